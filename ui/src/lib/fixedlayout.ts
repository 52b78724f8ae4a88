// Pages of a fixed-layout (pre-paginated) EPUB as the app sees them. foliate's FixedLayout
// renderer keeps each page in an iframe inside a closed shadow root, scaled with a CSS transform,
// and draws no overlay: the reader lays its own boxes (highlights, ink) over the frames. These are
// the sums that turn a frame's rectangle and what is inside it into boxes in the app's
// coordinates and in fractions of the page (what ink points and highlight boxes are stored in).
import type { QuadRect, Quote } from './types';

/** A rectangle in CSS pixels (DOMRect has these fields too). */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** How much a frame is scaled: its box on screen over its own layout size (1 when unknown). */
export function frameScale(shown: Size, layout: Size): { x: number; y: number } {
  const ratio = (a: number, b: number) => (a > 0 && b > 0 && Number.isFinite(a / b) ? a / b : 1);
  return { x: ratio(shown.width, layout.width), y: ratio(shown.height, layout.height) };
}

/** A rectangle in a frame's own client coordinates, in the app's: scaled, then moved to the frame. */
export function toApp(rect: Box, frame: Box, scale: { x: number; y: number }): Box {
  return {
    left: frame.left + rect.left * scale.x,
    top: frame.top + rect.top * scale.y,
    width: rect.width * scale.x,
    height: rect.height * scale.y,
  };
}

/** A box relative to another one's top left corner (to place it in a positioned container). */
export function relativeTo(box: Box, origin: { left: number; top: number }): Box {
  return { left: box.left - origin.left, top: box.top - origin.top, width: box.width, height: box.height };
}

/** A rectangle in a page document's client coordinates as fractions of the page, clamped to it. */
export function toFractions(rect: Box, page: Size): QuadRect | null {
  if (page.width <= 0 || page.height <= 0 || rect.width <= 0 || rect.height <= 0) return null;
  const c = (x: number) => Math.min(1, Math.max(0, x));
  const q: QuadRect = [c(rect.left / page.width), c(rect.top / page.height), c((rect.left + rect.width) / page.width), c((rect.top + rect.height) / page.height)];
  return q[2] > q[0] && q[3] > q[1] ? q : null;
}

/**
 * One box per line: a range's client rects come one per text node or inline element, often
 * overlapping; boxes that share a line (overlap vertically by half the smaller height) and touch
 * or overlap horizontally are joined.
 */
export function lineBoxes(quads: readonly QuadRect[]): QuadRect[] {
  const out: QuadRect[] = [];
  const GAP = 0.01; // a word space, in page widths
  for (const q of quads) {
    const line = out.find((p) => {
      const overlap = Math.min(p[3], q[3]) - Math.max(p[1], q[1]);
      const smaller = Math.min(p[3] - p[1], q[3] - q[1]);
      return smaller > 0 && overlap >= smaller / 2 && q[0] <= p[2] + GAP && q[2] >= p[0] - GAP;
    });
    if (line) {
      line[0] = Math.min(line[0], q[0]);
      line[1] = Math.min(line[1], q[1]);
      line[2] = Math.max(line[2], q[2]);
      line[3] = Math.max(line[3], q[3]);
    } else out.push([q[0], q[1], q[2], q[3]]);
  }
  return out;
}

/** A frame as measured: its spine index, its box on screen and its own layout size. */
export interface Frame {
  index: number;
  box: Box;
  layout: Size;
}

/** A page on screen: spine index, box on screen and how much the frame is scaled. */
export interface ShownPage {
  index: number;
  box: Box;
  scale: { x: number; y: number };
}

/**
 * The pages on screen, left to right: frames without a section (the blank half of a spread), hidden
 * ones (the other half of a spread in portrait) and ones not laid out yet are left out.
 */
export function shownPages(frames: readonly Frame[]): ShownPage[] {
  return frames
    .filter((f) => f.index >= 0 && f.box.width > 0 && f.box.height > 0)
    .map((f) => ({ index: f.index, box: f.box, scale: frameScale(f.box, f.layout) }))
    .sort((a, b) => a.box.left - b.box.left || a.box.top - b.box.top);
}

/**
 * The page under a point (app coordinates), or the nearest one when the point falls between the
 * pages of a spread or beside them; null when there is no page.
 */
export function pageAt(pages: readonly ShownPage[], x: number, y: number): ShownPage | null {
  let best: ShownPage | null = null;
  let bestDistance = Infinity;
  for (const p of pages) {
    const dx = Math.max(p.box.left - x, 0, x - (p.box.left + p.box.width));
    const dy = Math.max(p.box.top - y, 0, y - (p.box.top + p.box.height));
    const d = Math.hypot(dx, dy);
    if (d < bestDistance) {
      best = p;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Where a quote is in a text: the occurrence of `exact` whose surroundings best match the prefix
 * and suffix (the first one on a tie). Offsets are UTF-16 units of `text`; null when absent.
 */
export function findQuote(text: string, quote: Quote): { start: number; end: number } | null {
  const exact = quote.exact;
  if (!exact) return null;
  let best: { start: number; end: number } | null = null;
  let bestScore = -1;
  for (let at = text.indexOf(exact); at >= 0; at = text.indexOf(exact, at + 1)) {
    const score = commonSuffix(text.slice(Math.max(0, at - quote.prefix.length), at), quote.prefix) + commonPrefix(text.slice(at + exact.length, at + exact.length + quote.suffix.length), quote.suffix);
    if (score > bestScore) {
      best = { start: at, end: at + exact.length };
      bestScore = score;
    }
  }
  return best;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/** A range over characters [start, end) of the text of `root` (its text nodes joined, as `textContent`). */
export function textRange(root: Node, start: number, end: number): Range | null {
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const range = doc.createRange();
  let at = 0;
  let started = false;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const len = n.nodeValue?.length ?? 0;
    if (!started && start < at + len) {
      range.setStart(n, start - at);
      started = true;
    }
    if (started && end <= at + len) {
      range.setEnd(n, end - at);
      return range;
    }
    at += len;
  }
  return null;
}
