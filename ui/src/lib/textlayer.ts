// The selectable text layer of a PDF page. Each run becomes a transparent span placed in % of the
// page box. Its font size is the run's height, and a horizontal scale makes the span as wide as
// the printed glyphs so that a selection covers what the eye sees. Both depend only on the
// page's proportions, not on the zoom: they are computed once per page.
import type { TextRun } from './types';

export interface RunStyle {
  text: string;
  /** CSS for the span: position in %, font size in units of the page height (a custom property). */
  left: number;
  top: number;
  /** Font size as a fraction of the page height. */
  fontSize: number;
  scaleX: number;
}

/**
 * `aspect` is the page's width / height; `measure(text)` is the width of `text` in a font of
 * size 1 (canvas measureText at 100px divided by 100).
 */
export function runStyles(runs: readonly TextRun[], aspect: number, measure: (text: string) => number): RunStyle[] {
  return runs.map((run) => {
    const height = Math.max(1e-4, run.bottom - run.top);
    const width = Math.max(0, run.right - run.left);
    const natural = measure(run.text) * height; // in units of the page height
    const target = width * aspect; // the run's width, in units of the page height
    const scaleX = natural > 0 ? target / natural : 1;
    return { text: run.text, left: run.left, top: run.top, fontSize: height, scaleX: clamp(scaleX, 0.2, 5) };
  });
}

const clamp = (x: number, lo: number, hi: number) => (Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : 1);

let ctx: CanvasRenderingContext2D | null | undefined;

/** Measures with the font the text layer uses; falls back to an average glyph width. */
export function canvasMeasure(fontFamily: string): (text: string) => number {
  if (ctx === undefined) {
    try {
      ctx = document.createElement('canvas').getContext('2d');
    } catch {
      ctx = null;
    }
  }
  const c = ctx;
  if (!c) return (t) => Array.from(t).length * 0.5;
  c.font = `100px ${fontFamily}`;
  return (t) => c.measureText(t).width / 100;
}

const styleCache = new WeakMap<readonly TextRun[], { aspect: number; font: string; styles: RunStyle[] }>();

/** `runStyles` measured with the canvas once per page's runs (and aspect and font). */
export function cachedStyles(runs: readonly TextRun[], aspect: number, font: string): RunStyle[] {
  const hit = styleCache.get(runs);
  if (hit && hit.aspect === aspect && hit.font === font) return hit.styles;
  const styles = runStyles(runs, aspect, canvasMeasure(font));
  styleCache.set(runs, { aspect, font, styles });
  return styles;
}
