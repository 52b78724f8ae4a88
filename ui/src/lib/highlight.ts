// Search hits on a PDF page: the words of the query are found inside the text layer's runs
// (case and accents folded on both sides, as the search index does) and turned into rectangles
// in fractions of the page, using the right edge of each character.
import { fold, foldWithMap, isWordChar } from './text';
import type { TextRun } from './types';

export interface Term {
  /** Folded text to find. */
  text: string;
  /** `prefix*`: the match may be the start of a longer word. */
  prefix: boolean;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

const OPERATORS = new Set(['or', 'and', 'not', 'ou', 'et']);

/** The words to highlight for what was typed in the search field (phrases split into words). */
export function queryTerms(query: string): Term[] {
  const out: Term[] = [];
  const seen = new Set<string>();
  const tokens = query.match(/[\p{L}\p{N}'’\-]+\*?/gu) ?? [];
  for (const raw of tokens) {
    if (OPERATORS.has(raw.toLowerCase()) && raw === raw.toUpperCase()) continue;
    const prefix = raw.endsWith('*');
    // Apostrophes and hyphens split words in the index: "l'eau" finds "eau".
    const words = fold(raw.replace(/\*$/, '')).split(/['’\-]/).filter(Boolean);
    words.forEach((w, i) => {
      const term = { text: w, prefix: prefix && i === words.length - 1 };
      const key = `${term.text}${term.prefix ? '*' : ''}`;
      if (!seen.has(key) && w.length) {
        seen.add(key);
        out.push(term);
      }
    });
  }
  return out;
}

/** The words the index marked in a hit's snippet (`<mark>…</mark>`), as exact terms. */
export function markedTerms(snippet: string): Term[] {
  const out = new Map<string, Term>();
  for (const m of snippet.matchAll(/<mark>(.*?)<\/mark>/g)) {
    const text = fold(decodeEntities(m[1] ?? ''));
    for (const w of text.split(/[^\p{L}\p{N}]+/u).filter(Boolean)) out.set(w, { text: w, prefix: false });
  }
  return [...out.values()];
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Where each term occurs in a run: [first, last] code point indices, both included. */
export function findInRun(run: TextRun, terms: readonly Term[]): [number, number][] {
  const { text, source } = foldWithMap(run.text);
  const out: [number, number][] = [];
  // Indices are UTF-16 units of the folded text; `source` maps each back to a code point of the run.
  for (const term of terms) {
    if (!term.text) continue;
    let from = 0;
    for (;;) {
      const at = text.indexOf(term.text, from);
      if (at < 0) break;
      from = at + 1;
      let end = at + term.text.length; // exclusive
      if (isWordChar(text[at - 1])) continue;
      if (term.prefix) {
        while (end < text.length && isWordChar(text[end])) end++;
      } else if (isWordChar(text[end])) continue;
      const first = source[at];
      const last = source[end - 1];
      if (first !== undefined && last !== undefined) out.push([first, last]);
    }
  }
  out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Overlapping matches (a word and its prefix) make one rectangle.
  const merged: [number, number][] = [];
  for (const m of out) {
    const prev = merged[merged.length - 1];
    if (prev && m[0] <= prev[1]) prev[1] = Math.max(prev[1], m[1]);
    else merged.push([m[0], m[1]]);
  }
  return merged;
}

/** The rectangle of characters [first, last] of a run, in fractions of the page. */
export function rangeRect(run: TextRun, first: number, last: number): Rect {
  const left = first <= 0 ? run.left : (run.edges[first - 1] ?? run.left);
  const right = run.edges[last] ?? run.right;
  return { left, top: run.top, width: Math.max(0, right - left), height: run.bottom - run.top };
}

/** Every rectangle to paint on a page for these terms. */
export function highlightRects(runs: readonly TextRun[], terms: readonly Term[]): Rect[] {
  if (!terms.length) return [];
  const rects: Rect[] = [];
  for (const run of runs) {
    for (const [first, last] of findInRun(run, terms)) rects.push(rangeRect(run, first, last));
  }
  return rects;
}
