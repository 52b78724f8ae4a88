import { describe, expect, it } from 'vitest';
import { continueReading, filterBooks, sortBooks } from '../src/lib/shelf';
import type { ShelfBook } from '../src/lib/types';

function book(id: string, title: string, extra: Partial<ShelfBook> = {}): ShelfBook {
  return {
    id,
    title,
    authors: [],
    format: 'pdf',
    layout: 'paged',
    pages: 10,
    sections: null,
    language: 'fr',
    fileSize: 1000,
    addedAt: 0,
    openedAt: null,
    progress: null,
    available: true,
    source: { kind: 'file', path: '' },
    ...extra,
  };
}

const books = [
  book('a', 'Éducation civique', { authors: ['Zoé Martin'], addedAt: 3, openedAt: 100, format: 'epub' }),
  book('b', 'anglais 6e', { authors: ['Bob Smith'], addedAt: 1, openedAt: null }),
  book('c', 'Mathématiques 10e', { authors: [], addedAt: 2, openedAt: 300 }),
  book('d', 'Mathématiques 9e', { authors: ['Anne Écrivain'], addedAt: 4, openedAt: 200, available: false }),
];

const ids = (list: ShelfBook[]) => list.map((b) => b.id).join('');

describe('sorting the library', () => {
  it('sorts titles as a French reader expects: accents and case do not matter, numbers are numbers', () => {
    expect(ids(sortBooks(books, 'title', 'fr'))).toBe('badc');
  });

  it('sorts by first author, books without one last', () => {
    expect(ids(sortBooks(books, 'author', 'fr'))).toBe('dbac');
  });

  it('puts the most recently opened first and never opened books after them', () => {
    expect(ids(sortBooks(books, 'opened'))).toBe('cdab');
  });

  it('puts the most recently added first', () => {
    expect(ids(sortBooks(books, 'added'))).toBe('dacb');
  });

  it('does not change the list it was given', () => {
    const copy = [...books];
    sortBooks(books, 'title');
    expect(books).toEqual(copy);
  });
});

describe('filtering the library', () => {
  it('matches every typed word in the title or authors, ignoring accents and case', () => {
    expect(ids(filterBooks(books, 'mathematiques'))).toBe('cd');
    expect(ids(filterBooks(books, 'ecrivain 9E'))).toBe('d');
    expect(ids(filterBooks(books, 'zoe'))).toBe('a');
    expect(ids(filterBooks(books, '  '))).toBe('abcd');
  });

  it('filters by format', () => {
    expect(ids(filterBooks(books, '', 'epub'))).toBe('a');
    expect(ids(filterBooks(books, 'math', 'epub'))).toBe('');
  });
});

describe('continue reading', () => {
  it('lists opened books on this computer, most recent first', () => {
    expect(ids(continueReading(books))).toBe('ca');
    expect(continueReading(books, 1)).toHaveLength(1);
  });
});
