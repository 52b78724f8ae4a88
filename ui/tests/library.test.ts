// The library view mounted in jsdom against a fake shell: the stable test hooks are there, the
// empty library explains itself, and removing a book asks first.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Library from '../src/components/Library.svelte';
import * as api from '../src/lib/api';
import type { ShelfBook } from '../src/lib/types';

const book = (id: string, title: string, extra: Partial<ShelfBook> = {}): ShelfBook => ({
  id: id.repeat(64).slice(0, 64),
  title,
  authors: ['L’équipe Cartable'],
  format: 'pdf',
  layout: 'paged',
  pages: 16,
  sections: null,
  language: 'fr',
  fileSize: 43_499,
  addedAt: 1,
  openedAt: null,
  progress: null,
  available: true,
  source: { kind: 'file', path: '' },
  ...extra,
});

function backend(books: ShelfBook[]) {
  const invoke = vi.fn(async (command: string, args?: Record<string, unknown>) => {
    if (command === 'list_books') return books as never;
    if (command === 'remove_book') {
      books = books.filter((b) => b.id !== args!.id);
      return undefined as never;
    }
    throw { code: 'Unknown', message: command };
  });
  api.setBackend({ invoke, listen: async () => () => {}, onDragDrop: async () => () => {}, pickBooks: async () => null });
  return invoke;
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
};

let app: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
});

const $ = (id: string) => document.querySelector(`[data-testid="${id}"]`);
const $$ = (id: string) => Array.from(document.querySelectorAll(`[data-testid="${id}"]`));

describe('library view', () => {
  it('lists the books with their test hooks, format and continue-reading row', async () => {
    backend([book('a', 'Sciences', { format: 'epub', layout: 'reflowable', openedAt: 5, progress: 0.4 }), book('b', 'Mathématiques')]);
    app = mount(Library, { target: document.body, props: { onopen: () => {}, oncatalogs: () => {} } });
    await settle();
    expect($('library-view')).not.toBeNull();
    const items = $$('library-item');
    expect(items.map((i) => (i as HTMLElement).dataset.format)).toEqual(['epub', 'pdf']);
    expect(items.every((i) => (i as HTMLElement).dataset.bookId?.length === 64)).toBe(true);
    expect($$('library-item-title').map((t) => t.textContent)).toEqual(['Sciences', 'Mathématiques']);
    expect($('continue-reading')?.textContent).toContain('Sciences');
    for (const id of ['import-button', 'library-search-input', 'sort-select', 'filter-input', 'language-select']) expect($(id), id).not.toBeNull();
  });

  it('explains how to import when the library is empty', async () => {
    backend([]);
    app = mount(Library, { target: document.body, props: { onopen: () => {}, oncatalogs: () => {} } });
    await settle();
    expect($('library-empty')?.textContent).toMatch(/Importer/);
    expect($$('library-item')).toHaveLength(0);
  });

  it('asks before removing a book, and removes it only on OK', async () => {
    const invoke = backend([book('a', 'Sciences'), book('b', 'Maths')]);
    app = mount(Library, { target: document.body, props: { onopen: () => {}, oncatalogs: () => {} } });
    await settle();
    const removeSciences = () =>
      (document.querySelector(`[data-book-id="${'a'.repeat(64)}"] [data-testid="remove-button"]`) as HTMLButtonElement).click();
    removeSciences();
    flushSync();
    expect($('confirm-dialog')?.textContent).toContain('Sciences');
    expect($('confirm-dialog')?.getAttribute('role')).toBe('alertdialog');
    ($('confirm-cancel') as HTMLButtonElement).click();
    flushSync();
    expect($('confirm-dialog')).toBeNull();
    expect(invoke).not.toHaveBeenCalledWith('remove_book', expect.anything());

    removeSciences();
    flushSync();
    ($('confirm-ok') as HTMLButtonElement).click();
    await settle();
    expect(invoke).toHaveBeenCalledWith('remove_book', { id: 'a'.repeat(64) });
    expect($$('library-item-title').map((t) => t.textContent)).toEqual(['Maths']);
  });

  it('filters the grid as the pupil types', async () => {
    backend([book('a', 'Sciences : le cycle de l’eau'), book('b', 'Mathématiques 6e')]);
    app = mount(Library, { target: document.body, props: { onopen: () => {}, oncatalogs: () => {} } });
    await settle();
    const input = $('filter-input') as HTMLInputElement;
    input.value = 'MATHEMATIQUES';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    expect($$('library-item-title').map((t) => t.textContent)).toEqual(['Mathématiques 6e']);
  });
});
