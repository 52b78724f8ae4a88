// Anchors of annotations on a PDF page's text layer (the contract's `pdf` anchor): a selection
// becomes code point offsets into the page text (the runs' `text` joined with no separator),
// one rectangle per line in fractions of the page, and a quote with some context around it.
import { rangeRect } from './highlight';
import type { Anchor, QuadRect, Quote, TextRun } from './types';

/** The page an annotation belongs to: PDF page or EPUB spine index (what `list_annotations` filters on). */
export function pageOf(anchor: Anchor): number {
  return anchor.type === 'epub' ? anchor.section : anchor.page;
}

/** Characters of context kept before and after the quoted text. */
export const QUOTE_CONTEXT = 32;

/** A place in the text layer: run index and code point offset inside that run's text. */
export interface TextPoint {
  run: number;
  offset: number;
}

const length = (s: string) => Array.from(s).length;

/** The page text the offsets count in. */
export function pageText(runs: readonly TextRun[]): string {
  return runs.map((r) => r.text).join('');
}

/** The code point offset at which each run starts in the page text. */
export function runStarts(runs: readonly TextRun[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const r of runs) {
    out.push(at);
    at += length(r.text);
  }
  return out;
}

/** The quote of [start, end) (code points) with up to `context` characters on each side. */
export function quoteOf(text: string, start: number, end: number, context = QUOTE_CONTEXT): Quote {
  const chars = Array.from(text);
  return {
    prefix: chars.slice(Math.max(0, start - context), start).join(''),
    exact: chars.slice(start, end).join(''),
    suffix: chars.slice(end, end + context).join(''),
  };
}

/** A quote from the text before, inside and after a range (EPUB): the context trimmed to size. */
export function quoteAround(before: string, exact: string, after: string, context = QUOTE_CONTEXT): Quote {
  const b = Array.from(before);
  return { prefix: b.slice(Math.max(0, b.length - context)).join(''), exact, suffix: Array.from(after).slice(0, context).join('') };
}

/** Two boxes are on one line when they overlap vertically by half the smaller height. */
function sameLine(a: QuadRect, b: QuadRect): boolean {
  const overlap = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const smaller = Math.min(a[3] - a[1], b[3] - b[1]);
  return smaller > 0 && overlap >= smaller / 2;
}

/** One rectangle per line covering characters [start, end) of the page text. */
export function lineQuads(runs: readonly TextRun[], start: number, end: number): QuadRect[] {
  const starts = runStarts(runs);
  const quads: QuadRect[] = [];
  runs.forEach((run, i) => {
    const from = starts[i]!;
    const chars = Array.from(run.text);
    const first = Math.max(0, start - from);
    const last = Math.min(chars.length, end - from) - 1;
    if (last < first) return;
    if (!chars.slice(first, last + 1).join('').trim()) return; // spaces alone draw nothing
    const r = rangeRect(run, first, last);
    const quad: QuadRect = [r.left, r.top, r.left + r.width, r.top + r.height];
    const prev = quads[quads.length - 1];
    if (prev && sameLine(prev, quad)) {
      prev[0] = Math.min(prev[0], quad[0]);
      prev[1] = Math.min(prev[1], quad[1]);
      prev[2] = Math.max(prev[2], quad[2]);
      prev[3] = Math.max(prev[3], quad[3]);
    } else quads.push(quad);
  });
  return quads;
}

/** The anchor of a selection from `from` to `to` (either order); null when it holds no text. */
export function pdfAnchor(runs: readonly TextRun[], from: TextPoint, to: TextPoint, page: number, label: string | null): Extract<Anchor, { type: 'pdf' }> | null {
  const starts = runStarts(runs);
  const abs = (p: TextPoint) => (starts[p.run] ?? 0) + Math.min(p.offset, length(runs[p.run]?.text ?? ''));
  let start = abs(from);
  let end = abs(to);
  if (end < start) [start, end] = [end, start];
  const text = pageText(runs);
  const quote = quoteOf(text, start, end);
  if (!quote.exact.trim()) return null;
  return { type: 'pdf', page, label, start, end, quads: lineQuads(runs, start, end), quote };
}

/**
 * Where a DOM boundary (node, offset) falls in a text layer whose spans carry `data-run`.
 * `edge` says which way to look when the boundary sits between spans or outside the layer.
 */
export function textPoint(layer: Element, node: Node, offset: number, edge: 'start' | 'end', runs: readonly TextRun[]): TextPoint | null {
  const last = runs.length - 1;
  if (last < 0) return null;
  if (!layer.contains(node)) {
    // The selection goes on past this page: clamp it to the page.
    const position = layer.compareDocumentPosition(node);
    const before = (position & Node.DOCUMENT_POSITION_PRECEDING) !== 0;
    return before ? { run: 0, offset: 0 } : { run: last, offset: length(runs[last]!.text) };
  }
  const span = (n: Node | null): HTMLElement | null => (n instanceof Element ? n : n?.parentElement ?? null)?.closest<HTMLElement>('[data-run]') ?? null;
  const runOf = (el: HTMLElement) => Number(el.dataset.run);
  if (node.nodeType === Node.TEXT_NODE) {
    const el = span(node);
    if (!el) return null;
    const units = (node.textContent ?? '').slice(0, offset);
    return { run: runOf(el), offset: length(units) };
  }
  const el = node as Element;
  const inside = span(el);
  if (inside && inside !== layer) {
    return { run: runOf(inside), offset: offset === 0 ? 0 : length(runs[runOf(inside)]?.text ?? '') };
  }
  // Between children of the layer: the next span for a start, the previous one for an end.
  const spans = Array.from(layer.querySelectorAll<HTMLElement>('[data-run]'));
  const child = el.childNodes[offset] ?? null;
  if (edge === 'start') {
    const next = spans.find((s) => child === null ? false : s === child || (child.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0);
    return next ? { run: runOf(next), offset: 0 } : { run: last, offset: length(runs[last]!.text) };
  }
  const prev = [...spans].reverse().find((s) => child === null || (child.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_PRECEDING) !== 0);
  return prev ? { run: runOf(prev), offset: length(runs[runOf(prev)]?.text ?? '') } : { run: 0, offset: 0 };
}
