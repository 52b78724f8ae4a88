// How annotations are listed for the pupil: grouped by page or section, a highlight with its note
// as one item, the ink of a page as one item; and the names exports are offered under.
import { pageOf } from './anchor';
import type { Annotation, Book, ExportFormat } from './types';

export interface AnnotationItem {
  annotation: Annotation;
  quote: string | null;
  note: string | null;
  /** Ink: the strokes of the page this item stands for. */
  count: number;
}

export interface AnnotationGroup {
  page: number;
  /** The printed page label, when the book has one for it. */
  label: string | null;
  items: AnnotationItem[];
}

export function annotationGroups(all: readonly Annotation[], book: Pick<Book, 'pageLabels'>): AnnotationGroup[] {
  const groups = new Map<number, AnnotationGroup>();
  const notesOf = new Map<string, Annotation>();
  for (const a of all) if (a.kind === 'note' && a.highlight) notesOf.set(a.highlight, a);
  const ids = new Set(all.map((a) => a.id));
  for (const a of all) {
    if (a.kind === 'note' && a.highlight && ids.has(a.highlight)) continue; // shown with its highlight
    const page = pageOf(a.anchor);
    let g = groups.get(page);
    if (!g) {
      const printed = a.anchor.type === 'epub' ? null : a.anchor.label;
      const label = printed ?? book.pageLabels.find((l) => l.page === page)?.label ?? null;
      g = { page, label, items: [] };
      groups.set(page, g);
    }
    if (a.kind === 'ink') {
      const ink = g.items.find((i) => i.annotation.kind === 'ink');
      if (ink) {
        ink.count++;
        continue;
      }
    }
    const quote = a.anchor.type === 'place' ? null : a.anchor.quote.exact;
    const note = a.kind === 'note' ? a.text : a.kind === 'highlight' ? (notesOf.get(a.id)?.text ?? null) : a.kind === 'bookmark' ? a.label : null;
    g.items.push({ annotation: a, quote, note, count: 1 });
  }
  return [...groups.values()].sort((a, b) => a.page - b.page);
}

/** A file name for an export: the title without characters file systems refuse. */
export function exportName(title: string, format: ExportFormat, annotatedSuffix: string): string {
  const base = title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || 'notes';
  if (format === 'pdf') return `${base} (${annotatedSuffix}).pdf`;
  return format === 'md' ? `${base}.md` : `${base}.json`;
}
