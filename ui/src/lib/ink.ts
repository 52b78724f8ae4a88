// Freehand ink: strokes in fractions of the page, simplified before they are stored, found by
// the eraser, and an undo/redo history where undoing a stroke deletes it and redoing adds it again
// as a new record (ids are never revived).
import type { Annotation, Ink, InkTool } from './types';

export type Point = [number, number];

/** What the ink toolbar has chosen. */
export interface InkSettings {
  tool: InkTool | 'eraser';
  /** `#rrggbb` */
  color: string;
  /** Fraction of the page width (the pen's; the highlighter is HIGHLIGHTER_FACTOR times wider). */
  width: number;
}

/** Pen and highlighter defaults, widths as fractions of the page width. */
export const INK_WIDTHS = [0.002, 0.004, 0.008] as const;
export const HIGHLIGHTER_FACTOR = 4;
export const INK_COLORS = ['#1d232a', '#c62828', '#1565c0', '#2e7d32', '#f9a825'] as const;

/** Distance from p to segment ab; y is scaled by 1/aspect (width / height) so units are page widths. */
export function segmentDistance(p: Point, a: Point, b: Point, aspect = 1): number {
  const k = 1 / aspect;
  const px = p[0], py = p[1] * k, ax = a[0], ay = a[1] * k, bx = b[0], by = b[1] * k;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return Math.sqrt(cx * cx + cy * cy);
}

/** Ramer–Douglas–Peucker: drops points closer than `tolerance` (page widths) to the line kept. */
export function simplify(points: readonly Point[], tolerance = 0.0008, aspect = 1): Point[] {
  if (points.length <= 2) return points.map((p) => [p[0], p[1]]);
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    let worst = -1;
    let at = -1;
    for (let i = from + 1; i < to; i++) {
      const d = segmentDistance(points[i]!, points[from]!, points[to]!, aspect);
      if (d > worst) {
        worst = d;
        at = i;
      }
    }
    if (at >= 0 && worst > tolerance) {
      keep[at] = 1;
      stack.push([from, at], [at, to]);
    }
  }
  return points.filter((_, i) => keep[i]).map((p) => [p[0], p[1]]);
}

/** Points rounded to `digits` decimals (1/10 000 of a page is finer than a screen pixel), repeats dropped. */
export function encodePoints(points: readonly Point[], digits = 4): Point[] {
  const f = 10 ** digits;
  const out: Point[] = [];
  for (const p of points) {
    const q: Point = [Math.round(clamp01(p[0]) * f) / f, Math.round(clamp01(p[1]) * f) / f];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  return out;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** True when the eraser at `p` (radius in page widths) touches the stroke. */
export function touches(ink: Ink, p: Point, radius: number, aspect = 1): boolean {
  const reach = radius + ink.width / 2;
  const pts = ink.points;
  if (pts.length === 1) return segmentDistance(p, pts[0]!, pts[0]!, aspect) <= reach;
  for (let i = 1; i < pts.length; i++) if (segmentDistance(p, pts[i - 1]!, pts[i]!, aspect) <= reach) return true;
  return false;
}

/** The ink strokes among `annotations` that the eraser at `p` touches. */
export function erasedBy(annotations: readonly Annotation[], p: Point, radius: number, aspect = 1): Annotation[] {
  return annotations.filter((a) => a.kind === 'ink' && a.ink && touches(a.ink, p, radius, aspect));
}

/** One stroke as the history knows it: the id it has now (it changes when it is added again). */
export interface HistoryStroke {
  id: string;
  page: number;
  ink: Ink;
}

type Entry = { op: 'draw' | 'erase'; strokes: HistoryStroke[] };

export interface InkStore {
  /** Stores the stroke again; resolves to its new id. */
  add(page: number, ink: Ink): Promise<string>;
  remove(id: string): Promise<void>;
}

/** Undo and redo of drawing and erasing, over a store that never revives an id. */
export class InkHistory {
  private done: Entry[] = [];
  private undone: Entry[] = [];
  private busy = false;

  constructor(
    private readonly store: InkStore,
    private readonly onchange: () => void = () => {},
  ) {}

  get canUndo(): boolean {
    return this.done.length > 0 && !this.busy;
  }

  get canRedo(): boolean {
    return this.undone.length > 0 && !this.busy;
  }

  /** A stroke was drawn (and stored). */
  drew(stroke: HistoryStroke): void {
    this.push({ op: 'draw', strokes: [{ ...stroke }] });
  }

  /** Strokes were erased (and deleted) in one gesture. */
  erased(strokes: HistoryStroke[]): void {
    if (strokes.length) this.push({ op: 'erase', strokes: strokes.map((s) => ({ ...s })) });
  }

  private push(entry: Entry) {
    this.done.push(entry);
    this.undone = [];
    this.onchange();
  }

  /** Undoes the last step; resolves to the pages it changed. */
  async undo(): Promise<number[]> {
    return this.step(this.done, this.undone, (op) => (op === 'draw' ? 'remove' : 'add'));
  }

  async redo(): Promise<number[]> {
    return this.step(this.undone, this.done, (op) => (op === 'draw' ? 'add' : 'remove'));
  }

  private async step(from: Entry[], to: Entry[], action: (op: Entry['op']) => 'add' | 'remove'): Promise<number[]> {
    if (this.busy) return [];
    const entry = from.pop();
    if (!entry) return [];
    this.busy = true;
    this.onchange();
    try {
      for (const s of entry.strokes) {
        if (action(entry.op) === 'remove') await this.store.remove(s.id);
        else s.id = await this.store.add(s.page, s.ink);
      }
      to.push(entry);
    } catch (e) {
      // The step did not happen: keep it where it was so that it can be tried again.
      from.push(entry);
      throw e;
    } finally {
      this.busy = false;
      this.onchange();
    }
    return [...new Set(entry.strokes.map((s) => s.page))];
  }
}

/**
 * The points of a stroke as the shell sends them: base64 of the core's packed form (each
 * coordinate a fraction of the page quantised to 1/65535, delta from the previous point,
 * zigzag, LEB128 varint). Null when the bytes are not a whole stroke.
 */
export function unpackPoints(base64: string): Point[] | null {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  const points: Point[] = [];
  let i = 0;
  const next = (): number | null => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = bytes[i++];
      if (b === undefined) return null;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    }
    return null;
  };
  let x = 0;
  let y = 0;
  while (i < bytes.length) {
    const dx = next();
    const dy = next();
    if (dx === null || dy === null) return null;
    x += dx;
    y += dy;
    points.push([x / 65535, y / 65535]);
  }
  return points;
}
