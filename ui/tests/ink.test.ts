import { describe, expect, it } from 'vitest';
import { encodePoints, erasedBy, InkHistory, simplify, touches, unpackPoints, type Point } from '../src/lib/ink';
import type { Annotation, Ink } from '../src/lib/types';

const pen = (points: Point[], width = 0.004): Ink => ({ tool: 'pen', color: '#1d232a', width, points });

describe('ink points', () => {
  it('drops points that lie on the line, keeps the corners', () => {
    const line: Point[] = Array.from({ length: 50 }, (_, i) => [i / 100, 0.2]);
    expect(simplify(line), 'a straight line needs its two ends').toEqual([[0, 0.2], [0.49, 0.2]]);
    const corner: Point[] = [...line, ...Array.from({ length: 30 }, (_, i): Point => [0.49, 0.2 + (i + 1) / 100])];
    const kept = simplify(corner);
    expect(kept).toHaveLength(3);
    expect(kept[1]).toEqual([0.49, 0.2]);
  });

  it('keeps small wiggles of handwriting above the tolerance', () => {
    const zigzag: Point[] = Array.from({ length: 20 }, (_, i) => [i / 200, 0.5 + (i % 2) * 0.01]);
    expect(simplify(zigzag)).toHaveLength(20);
  });

  it('rounds to 4 decimals, clamps to the page and drops repeats', () => {
    expect(encodePoints([[0.123456, 0.5], [0.12346, 0.50001], [1.2, -0.1]])).toEqual([[0.1235, 0.5], [1, 0]]);
  });
});

describe('eraser', () => {
  const stroke: Annotation = {
    id: 's1', kind: 'ink', book: 'b', anchor: { type: 'place', page: 0, loc: 'page:0', label: null, x: null, y: null },
    color: null, style: null, text: null, label: null, highlight: null, ink: pen([[0.1, 0.1], [0.5, 0.1]]), createdAt: 1, modifiedAt: 1,
  };

  it('touches a stroke within its radius plus half the stroke width', () => {
    expect(touches(stroke.ink!, [0.3, 0.1 + 0.011], 0.01), 'radius 0.01 + half width 0.002 reaches 0.012').toBe(true);
    expect(touches(stroke.ink!, [0.3, 0.1 + 0.013], 0.01)).toBe(false);
    expect(touches(stroke.ink!, [0.515, 0.1], 0.01), 'beyond the end of the segment').toBe(false);
  });

  it('measures height in page widths on a tall page', () => {
    // On an A4 page (width / height = 0.707), 0.009 of the height is 0.0127 of the width: out of reach.
    expect(touches(stroke.ink!, [0.3, 0.109], 0.01, 1)).toBe(true);
    expect(touches(stroke.ink!, [0.3, 0.109], 0.01, 0.707)).toBe(false);
  });

  it('finds only the ink strokes it touches', () => {
    const other = { ...stroke, id: 's2', ink: pen([[0.1, 0.9], [0.5, 0.9]]) };
    const note = { ...stroke, id: 'n1', kind: 'note' as const, ink: null };
    expect(erasedBy([stroke, other, note], [0.2, 0.1], 0.01).map((a) => a.id)).toEqual(['s1']);
  });
});

describe('ink undo and redo', () => {
  function store() {
    const live = new Map<string, Ink>();
    let next = 1;
    const log: string[] = [];
    return {
      live,
      log,
      add: async (_page: number, ink: Ink) => {
        const id = `id${next++}`;
        live.set(id, ink);
        log.push(`add ${id}`);
        return id;
      },
      remove: async (id: string) => {
        if (!live.delete(id)) throw new Error(`no ${id}`);
        log.push(`remove ${id}`);
      },
    };
  }

  it('undoes a stroke by deleting it and redoes it as a new record', async () => {
    const s = store();
    const h = new InkHistory(s);
    const id = await s.add(0, pen([[0, 0]]));
    h.drew({ id, page: 0, ink: pen([[0, 0]]) });
    expect(h.canUndo).toBe(true);
    expect(await h.undo()).toEqual([0]);
    expect(s.live.size, 'undo deleted the stroke').toBe(0);
    expect(h.canRedo).toBe(true);
    await h.redo();
    expect([...s.live.keys()], 'redo added it again with a new id, never the old one').toEqual(['id2']);
    await h.undo();
    expect(s.log, 'the second undo deleted the new id').toEqual(['add id1', 'remove id1', 'add id2', 'remove id2']);
  });

  it('undoes an eraser gesture by adding its strokes back, and redo erases them again', async () => {
    const s = store();
    const h = new InkHistory(s);
    const a = await s.add(0, pen([[0, 0]]));
    const b = await s.add(1, pen([[1, 1]]));
    await s.remove(a);
    await s.remove(b);
    h.erased([{ id: a, page: 0, ink: pen([[0, 0]]) }, { id: b, page: 1, ink: pen([[1, 1]]) }]);
    expect(await h.undo()).toEqual([0, 1]);
    expect(s.live.size).toBe(2);
    await h.redo();
    expect(s.live.size, 'redo erased the re-added strokes by their new ids').toBe(0);
  });

  it('a new stroke clears what could be redone', async () => {
    const s = store();
    const h = new InkHistory(s);
    h.drew({ id: await s.add(0, pen([[0, 0]])), page: 0, ink: pen([[0, 0]]) });
    await h.undo();
    h.drew({ id: await s.add(0, pen([[0.5, 0.5]])), page: 0, ink: pen([[0.5, 0.5]]) });
    expect(h.canRedo).toBe(false);
    expect(await h.redo()).toEqual([]);
  });

  it('keeps a step that failed so that it can be tried again', async () => {
    const s = store();
    const h = new InkHistory(s);
    h.drew({ id: 'missing', page: 0, ink: pen([[0, 0]]) });
    await expect(h.undo()).rejects.toThrow('no missing');
    expect(h.canUndo).toBe(true);
    expect(h.canRedo).toBe(false);
  });
});

describe('unpackPoints', () => {
  it('decodes the packed form the core writes (pinned by a Rust test)', () => {
    const points = unpackPoints('gIAEgIAE//8B/v8B/v8F/f8F');
    expect(points).not.toBeNull();
    const expected: Point[] = [
      [0.5, 0.5],
      [0.25, 0.75],
      [1, 0],
    ];
    expect(points!.length).toBe(3);
    points!.forEach((p, i) => {
      const [x, y] = expected[i] ?? [NaN, NaN];
      expect(p[0]).toBeCloseTo(x, 4);
      expect(p[1]).toBeCloseTo(y, 4);
    });
  });

  it('refuses truncated or non-base64 input', () => {
    expect(unpackPoints('gIAEgIAE//8B/v8B/v8F/f8')).toBeNull();
    expect(unpackPoints('%%%')).toBeNull();
    expect(unpackPoints('')).toEqual([]);
  });
});

describe('withPoints', () => {
  it('turns a packed stroke from the shell into points and leaves others alone', async () => {
    const { withPoints } = await import('../src/lib/api');
    const stroke = {
      id: 'a',
      kind: 'ink',
      book: 'b',
      anchor: { type: 'place', page: 0, loc: 'page:0', label: null, x: null, y: null },
      color: null,
      style: null,
      text: null,
      label: null,
      highlight: null,
      ink: { tool: 'pen', color: '#000000', width: 0.004, packed: 'gIAEgIAE//8B/v8B/v8F/f8F' },
      createdAt: 0,
      modifiedAt: 0,
    } as unknown as Annotation;
    const out = withPoints(stroke);
    expect(out.ink?.points.length).toBe(3);
    expect((out.ink as unknown as Record<string, unknown>).packed).toBeUndefined();
    const plain = { ...stroke, kind: 'bookmark', ink: null } as Annotation;
    expect(withPoints(plain)).toBe(plain);
  });
});
