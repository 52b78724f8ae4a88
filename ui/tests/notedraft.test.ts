import { describe, expect, it } from 'vitest';
import { NoteAutosave, writeNote, type NoteStore } from '../src/lib/notedraft';
import type { Anchor, Annotation, NewAnnotation } from '../src/lib/types';

const place: Anchor = { type: 'place', page: 2, loc: 'page:2', label: null, x: 0.5, y: 0.5 };

function fakeStore() {
  const notes = new Map<string, Annotation>();
  const log: string[] = [];
  let n = 0;
  const store: NoteStore = {
    async add(a: NewAnnotation) {
      await Promise.resolve();
      const made = { id: `n${++n}`, kind: a.kind, book: 'b', anchor: a.anchor, color: null, style: null, text: a.text ?? null, label: null, highlight: a.highlight ?? null, ink: null, createdAt: 0, modifiedAt: 0 } as Annotation;
      notes.set(made.id, made);
      log.push(`add ${made.text}`);
      return made;
    },
    async update(id, change) {
      await Promise.resolve();
      const a = { ...notes.get(id)!, text: change.text ?? null } as Annotation;
      notes.set(id, a);
      log.push(`update ${a.text}`);
      return a;
    },
    async remove(id) {
      notes.delete(id);
      log.push(`remove ${id}`);
    },
    noteOf: (h) => [...notes.values()].find((a) => a.highlight === h.id) ?? null,
  };
  return { store, log, notes };
}

/** A frame scheduler the test runs by hand. */
function frames() {
  const queue = new Map<number, () => void>();
  let id = 0;
  return {
    schedule: (run: () => void) => (queue.set(++id, run), id),
    unschedule: (i: number) => void queue.delete(i),
    run() {
      const now = [...queue.values()];
      queue.clear();
      now.forEach((f) => f());
    },
    get size() {
      return queue.size;
    },
  };
}

/** An autosave of a new pinned note into a fake store, its frames run by hand. */
function newNoteAutosave() {
  const { store, log } = fakeStore();
  const f = frames();
  const target = { annotation: null, draft: place };
  const auto = new NoteAutosave<typeof target>((tg, t) => writeNote(store, tg, t, false), () => {}, f.schedule, f.unschedule);
  return { log, f, target, auto };
}

describe('note autosave', () => {
  it('creates a pinned note once, then updates it, coalescing the keystrokes of a frame', async () => {
    const { log, f, target, auto } = newNoteAutosave();
    auto.change('À', target);
    auto.change('À r', target);
    expect(f.size).toBe(1);
    f.run();
    auto.change('À revoir', target);
    await auto.flush();
    await auto.flush();
    expect(log).toEqual(['add À r', 'update À revoir']);
  });

  it('writes what is pending when the popover closes, and never twice at once', async () => {
    const { log, f, target, auto } = newNoteAutosave();
    auto.change('un', target);
    const first = auto.flush();
    auto.change('un deux', target);
    await Promise.all([first, auto.flush()]);
    expect(log).toEqual(['add un', 'update un deux']);
    expect(f.size).toBe(0);
  });

  it('a note emptied while typing is kept; emptied when done, it is removed', async () => {
    const { store, log } = fakeStore();
    const highlight = { id: 'h1', kind: 'highlight', anchor: place } as Annotation;
    const target = { annotation: highlight };
    await writeNote(store, target, 'texte', false);
    await writeNote(store, target, '  ', false);
    expect(log).toEqual(['add texte']);
    await writeNote(store, target, '', true);
    expect(log).toEqual(['add texte', 'remove n1']);
  });

  it('reports a failed write and goes on', async () => {
    const errors: unknown[] = [];
    const auto = new NoteAutosave<null>(async () => Promise.reject(new Error('disk full')), (e) => errors.push(e), (r) => (r(), 1), () => {});
    auto.change('x', null);
    await auto.flush();
    expect(errors).toHaveLength(1);
  });
});
