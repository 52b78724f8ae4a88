// The annotations of a book against the mock shell: the side panel lists them by page with their
// quote and note, deletes from there, exports through the save dialog; removing a book with notes
// says they are kept.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import AnnotationsPanel from '../src/components/AnnotationsPanel.svelte';
import Library from '../src/components/Library.svelte';
import * as api from '../src/lib/api';
import { BookAnnotations, placeAnchor } from '../src/lib/annotations.svelte';
import { mockBackend, mockStore } from '../src/lib/mock';
import { annotationGroups, exportName } from '../src/lib/notesview';
import type { Anchor, Book, ShelfBook } from '../src/lib/types';

const BOOK = 'a'.repeat(64);
const settle = async () => {
  for (let i = 0; i < 8; i++) await new Promise((r) => setTimeout(r, 40));
  flushSync();
};
const $ = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const $$ = (id: string) => Array.from(document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));

const pdfAnchor = (page: number, exact: string, label: string | null): Anchor => ({
  type: 'pdf', page, label, start: 0, end: exact.length, quads: [[0.1, 0.1, 0.3, 0.12]], quote: { prefix: '', exact, suffix: '' },
});

const book = { id: BOOK, title: 'Sciences : le cycle de l’eau', format: 'pdf', pageLabels: [{ label: 'iv', page: 3, href: null }] } as unknown as Book;

let app: ReturnType<typeof mount> | null = null;
beforeEach(async () => {
  mockStore.reset();
  api.setBackend(mockBackend);
  const [p] = await api.listProfiles();
  await api.chooseProfile(p!.id, null);
});
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
});

describe('annotations panel', () => {
  it('groups by page with the printed label, a highlight with its note, the ink of a page as one line', async () => {
    const notes = new BookAnnotations(BOOK);
    const h = await notes.add({ kind: 'highlight', anchor: pdfAnchor(3, 'la pluie', null), color: 'green', style: 'highlight' });
    await notes.add({ kind: 'note', anchor: h.anchor, highlight: h.id, text: 'à revoir' });
    await notes.add({ kind: 'bookmark', anchor: placeAnchor(0, 'page:0', '1'), label: '1' });
    for (let i = 0; i < 2; i++)
      await notes.add({ kind: 'ink', anchor: placeAnchor(3, 'page:3', null), ink: { tool: 'pen', color: '#1d232a', width: 0.004, points: [[0.1, 0.1]] } });

    app = mount(AnnotationsPanel, { target: document.body, props: { book, notes, onselect: () => {} } });
    await settle();
    const items = $$('annotation-item');
    expect(items.map((i) => [i.dataset.kind, i.dataset.page])).toEqual([['bookmark', '0'], ['highlight', '3'], ['ink', '3']]);
    expect(items[1]!.textContent).toContain('la pluie');
    expect(items[1]!.textContent, 'the note is shown with its highlight').toContain('à revoir');
    expect(document.querySelectorAll('h3')[1]!.textContent, 'the printed label of page index 3').toContain('iv');
    expect(items[2]!.textContent).toMatch(/2 traits/);
    for (const id of ['export-w3c', 'export-md', 'export-pdf', 'import-annotations']) expect($(id), id).not.toBeNull();
  });

  it('deletes from the panel, and a highlight takes its note along', async () => {
    const notes = new BookAnnotations(BOOK);
    const h = await notes.add({ kind: 'highlight', anchor: pdfAnchor(1, 'nuage', null), color: 'yellow', style: 'highlight' });
    await notes.add({ kind: 'note', anchor: h.anchor, highlight: h.id, text: 'nuage = gouttes' });
    app = mount(AnnotationsPanel, { target: document.body, props: { book, notes, onselect: () => {} } });
    await settle();
    $('annotation-item-delete')!.click();
    await settle();
    expect($$('annotation-item')).toHaveLength(0);
    expect(await api.listAnnotations(BOOK, null), 'the note went with its highlight').toEqual([]);
  });

  it('exports through the save dialog, to the path chosen', async () => {
    const notes = new BookAnnotations(BOOK);
    const invoke = vi.spyOn(mockBackend, 'invoke');
    app = mount(AnnotationsPanel, { target: document.body, props: { book, notes, onselect: () => {} } });
    await settle();
    $('export-md')!.click();
    await settle();
    expect(invoke).toHaveBeenCalledWith('export_annotations', { id: BOOK, format: 'md', path: '/home/eleve/Documents/Sciences le cycle de l’eau.md' });
    invoke.mockRestore();
  });
});

describe('lists and names', () => {
  it('names exports without characters file systems refuse', () => {
    expect(exportName('Maths: 6e / cycle 3', 'pdf', 'annoté')).toBe('Maths 6e cycle 3 (annoté).pdf');
    expect(exportName('???', 'w3c', 'x')).toBe('notes.json');
  });

  it('shows a note whose highlight is gone on its own', () => {
    const orphan = { id: 'n', kind: 'note', book: BOOK, anchor: pdfAnchor(2, 'eau', null), color: null, style: null, text: 'seule', label: null, highlight: 'gone', ink: null, createdAt: 1, modifiedAt: 1 } as const;
    const groups = annotationGroups([orphan], { pageLabels: [] });
    expect(groups).toHaveLength(1);
    expect(groups[0]!.items[0]!.note).toBe('seule');
  });
});

describe('removing a book with notes', () => {
  it('says the notes are kept and come back with the book', async () => {
    const shelf: ShelfBook[] = [{ id: BOOK, title: 'Sciences', authors: [], format: 'pdf', layout: 'paged', pages: 3, sections: null, language: 'fr', fileSize: 1, addedAt: 1, openedAt: null, progress: null, available: true, source: { kind: 'file', path: '' } }];
    await api.addAnnotation(BOOK, { kind: 'bookmark', anchor: placeAnchor(0, 'page:0', null) });
    await api.addAnnotation(BOOK, { kind: 'bookmark', anchor: placeAnchor(1, 'page:1', null) });
    api.setBackend({
      ...mockBackend,
      invoke: async <T,>(command: string, args?: Record<string, unknown>) =>
        (command === 'list_books' ? shelf : mockBackend.invoke<T>(command, args)) as T,
    });
    app = mount(Library, { target: document.body, props: { onopen: () => {}, oncatalogs: () => {} } });
    await settle();
    (document.querySelector('[data-testid="remove-button"]') as HTMLButtonElement).click();
    await settle();
    expect($('confirm-dialog')!.textContent).toContain('Tes 2 notes dans ce livre sont gardées');
  });
});
