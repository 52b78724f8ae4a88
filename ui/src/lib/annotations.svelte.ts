// The annotations of the open book for the reader: fetched per page as pages come on screen
// (`list_annotations` with a page), changed through the shell and mirrored here at once so that a
// stroke or a highlight shows without a round trip. `version` goes up on every change, for the
// side panel to refresh its whole-book list.
import { SvelteMap } from 'svelte/reactivity';
import * as api from './api';
import { pageOf } from './anchor';
import type { Anchor, Annotation, AnnotationChange, BookId, HighlightColor, NewAnnotation } from './types';

export { pageOf };

export const HIGHLIGHT_COLORS: HighlightColor[] = ['yellow', 'green', 'blue', 'pink'];

/** Colours of highlights on the page (semi-transparent, multiplied over the print). */
export const HIGHLIGHT_RGB: Record<HighlightColor, string> = {
  yellow: '255, 214, 0',
  green: '76, 200, 90',
  blue: '80, 160, 255',
  pink: '255, 110, 170',
};

export function isHighlightColor(c: unknown): c is HighlightColor {
  return typeof c === 'string' && (HIGHLIGHT_COLORS as string[]).includes(c);
}

/** A bookmark or ink anchor: a whole page. */
export function placeAnchor(page: number, loc: string, label: string | null, x: number | null = null, y: number | null = null): Anchor {
  return { type: 'place', page, loc, label, x, y };
}

export class BookAnnotations {
  readonly pages = new SvelteMap<number, Annotation[]>();
  version = $state(0);
  private pending = new Set<number>();

  constructor(readonly book: BookId) {}

  forPage(page: number): Annotation[] {
    return this.pages.get(page) ?? [];
  }

  async load(page: number, force = false): Promise<void> {
    if ((!force && this.pages.has(page)) || this.pending.has(page)) return;
    this.pending.add(page);
    try {
      this.pages.set(page, await api.listAnnotations(this.book, page));
    } catch (e) {
      console.warn(`the notes of page ${page} could not be read`, e);
      if (!this.pages.has(page)) this.pages.set(page, []);
    } finally {
      this.pending.delete(page);
    }
  }

  private put(a: Annotation) {
    const page = pageOf(a.anchor);
    const list = this.pages.get(page);
    if (list) this.pages.set(page, [...list.filter((x) => x.id !== a.id), a]);
    this.version++;
  }

  async add(annotation: NewAnnotation): Promise<Annotation> {
    const a = await api.addAnnotation(this.book, annotation);
    this.put(a);
    return a;
  }

  async update(id: string, change: AnnotationChange): Promise<Annotation> {
    const a = await api.updateAnnotation(id, change);
    this.put(a);
    return a;
  }

  /** Deletes it (a highlight takes its notes with it, as in the shell). */
  async remove(id: string): Promise<void> {
    // Gone from the page at once; put back if the shell refuses.
    const before = new Map(this.pages);
    for (const [page, list] of this.pages) {
      if (list.some((a) => a.id === id || a.highlight === id)) this.pages.set(page, list.filter((a) => a.id !== id && a.highlight !== id));
    }
    try {
      await api.deleteAnnotation(id);
    } catch (e) {
      for (const [page, list] of before) this.pages.set(page, list);
      throw e;
    } finally {
      this.version++;
    }
  }

  /** The note attached to a highlight, if any. */
  noteOf(highlight: Annotation): Annotation | null {
    return this.forPage(pageOf(highlight.anchor)).find((a) => a.kind === 'note' && a.highlight === highlight.id) ?? null;
  }

  bookmarkAt(page: number, loc?: string): Annotation | null {
    return this.forPage(page).find((a) => a.kind === 'bookmark' && (loc === undefined || (a.anchor.type === 'place' && a.anchor.loc === loc))) ?? null;
  }
}
