// The page field: a pupil types what is printed on the page ("iv", "12", "A-3") or, with a #,
// the page's rank in the file ("#5"). Printed labels win because that is what a teacher says.
import { ApiError } from './errors';
import type { PageLabel } from './types';

export type PageTarget = { ok: true; index: number } | { ok: false; code: string };

const norm = (s: string) => s.trim().toLowerCase();

/** The text of the page indicator: "p. iv · 3/16", or "3/16" for a page without a label. */
export function pageIndicator(index: number, total: number, label: string | null): string {
  const count = `${index + 1}/${total}`;
  return label ? `p. ${label} · ${count}` : count;
}

/** The printed label of a page, if the book labels it. */
export function labelOf(labels: readonly PageLabel[], index: number): string | null {
  return labels.find((l) => l.page === index)?.label ?? null;
}

/**
 * Resolves what was typed to a 0-based page: `#N` is the N-th page of the file; a label found in
 * the book's labels is that page; else the shell is asked (`page_for_label`); a whole number in
 * range that is no label is the N-th page.
 */
export async function resolvePageInput(
  input: string,
  pageCount: number,
  labels: readonly PageLabel[],
  pageForLabel: (label: string) => Promise<number>,
): Promise<PageTarget> {
  const text = input.trim().replace(/^p\.?\s*/i, '');
  if (!text) return { ok: false, code: 'EmptyPage' };
  const inRange = (n: number): PageTarget =>
    n >= 1 && n <= pageCount ? { ok: true, index: n - 1 } : { ok: false, code: 'PageOutOfRange' };

  const rank = /^#\s*(\d+)$/.exec(text);
  if (rank) return inRange(Number(rank[1]));

  const local = labels.find((l) => l.page !== null && norm(l.label) === norm(text));
  if (local && local.page !== null) return { ok: true, index: local.page };

  const isNumber = /^\d+$/.test(text);
  if (labels.length) {
    try {
      const index = await pageForLabel(text);
      if (index >= 0 && index < pageCount) return { ok: true, index };
    } catch (e) {
      const code = e instanceof ApiError ? e.code : 'LabelNotFound';
      if (!isNumber) return { ok: false, code };
    }
  }
  if (isNumber) return inRange(Number(text));
  return { ok: false, code: 'LabelNotFound' };
}

export type EpubTarget =
  | { ok: true; kind: 'href'; href: string }
  | { ok: true; kind: 'index'; index: number }
  | { ok: true; kind: 'fraction'; fraction: number }
  | { ok: false; code: string };

/**
 * The page field of an EPUB: a printed page of the book's page list ("12", "iv"), a percentage
 * ("40 %"), or for a fixed-layout book the N-th page.
 */
export function resolveEpubInput(input: string, labels: readonly PageLabel[], sectionCount: number, fixed: boolean): EpubTarget {
  const text = input.trim().replace(/^p\.?\s*/i, '');
  if (!text) return { ok: false, code: 'EmptyPage' };
  const pct = /^(\d+(?:[.,]\d+)?)\s*%$/.exec(text);
  if (pct) {
    const f = Number(pct[1]!.replace(',', '.')) / 100;
    return f >= 0 && f <= 1 ? { ok: true, kind: 'fraction', fraction: f } : { ok: false, code: 'PageOutOfRange' };
  }
  const rank = /^#\s*(\d+)$/.exec(text);
  const label = rank ? null : labels.find((l) => norm(l.label) === norm(text));
  if (label?.href) return { ok: true, kind: 'href', href: label.href };
  if (label && label.page !== null) return { ok: true, kind: 'index', index: label.page };
  const n = rank ? Number(rank[1]) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (fixed && Number.isInteger(n)) {
    return n >= 1 && n <= sectionCount ? { ok: true, kind: 'index', index: n - 1 } : { ok: false, code: 'PageOutOfRange' };
  }
  return { ok: false, code: labels.length ? 'LabelNotFound' : 'NoPageList' };
}
