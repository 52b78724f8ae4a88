import { describe, expect, it } from 'vitest';
import { BookSearch } from '../src/lib/booksearch.svelte';
import type { Hit } from '../src/lib/types';

const hit = (index: number): Hit => ({ book: 'b', title: 'T', index, label: null, snippet: '' });

describe('searching inside a book', () => {
  it('keeps the hits of the last search started, not of a slower earlier one', async () => {
    let release: (h: Hit[]) => void = () => {};
    const slow = new Promise<Hit[]>((r) => (release = r));
    const search = new BookSearch((q) => (q === 'lent' ? slow : Promise.resolve([hit(2)])));
    search.query = 'lent';
    const first = search.run();
    search.query = 'vite';
    await search.run();
    release([hit(9)]);
    await first;
    expect(search.hits).toEqual([hit(2)]);
    expect(search.searchedFor).toBe('vite');
    expect(search.busy).toBe(false);
  });

  it('turns a failure into a message and an empty list', async () => {
    const search = new BookSearch(() => Promise.reject({ code: 'EmptyQuery', message: 'empty' }));
    search.query = '*';
    await search.run();
    expect(search.hits).toEqual([]);
    expect(search.error).toMatch(/au moins un mot/);
  });

  it('an empty query clears the results without asking', async () => {
    let asked = false;
    const search = new BookSearch(async () => ((asked = true), []));
    search.query = '   ';
    await search.run();
    expect(asked).toBe(false);
    expect(search.hits).toBeNull();
  });
});
