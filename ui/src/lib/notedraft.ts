// A note is saved while it is typed, with no save button needed: each change is committed at
// the next animation frame (changes within one frame are coalesced), one write at a time so
// that a note is never created twice, and whatever is pending is written when the popover
// closes. A crash or a kill right after typing loses at most the last frame.
import type { Anchor, Annotation, NewAnnotation, AnnotationChange } from './types';

export interface NoteStore {
  add(annotation: NewAnnotation): Promise<Annotation>;
  update(id: string, change: AnnotationChange): Promise<Annotation>;
  remove(id: string): Promise<void>;
  noteOf(highlight: Annotation): Annotation | null;
}

/** What a popover edits: a highlight's note, a pinned note, or a note not stored yet. */
export interface NoteTarget {
  annotation: Annotation | null;
  /** Where a new pinned note goes. */
  draft?: Anchor;
  /** The pinned note created from `draft` by an earlier save. */
  created?: Annotation | null;
}

/**
 * Writes `text` as the target's note. `final` (the pupil is done) also removes a note that was
 * emptied; while typing, an empty text is left alone.
 */
export async function writeNote(store: NoteStore, target: NoteTarget, text: string, final: boolean): Promise<void> {
  const body = text.trim();
  const a = target.annotation ?? target.created ?? null;
  if (!a) {
    if (body && target.draft) target.created = await store.add({ kind: 'note', anchor: target.draft, text: body });
    return;
  }
  if (a.kind === 'highlight') {
    const existing = store.noteOf(a);
    if (existing && body) {
      if (existing.text !== body) await store.update(existing.id, { text: body });
    } else if (existing) {
      if (final) await store.remove(existing.id);
    } else if (body) {
      await store.add({ kind: 'note', anchor: a.anchor, highlight: a.id, text: body });
    }
    return;
  }
  if (body) {
    const updated = await store.update(a.id, { text: body });
    if (target.created) target.created = updated;
  } else if (final) {
    await store.remove(a.id);
  }
}

export class NoteAutosave<T> {
  private pending: { target: T; text: string } | null = null;
  private running: Promise<void> | null = null;
  private frame: number | null = null;

  constructor(
    private readonly save: (target: T, text: string) => Promise<void>,
    private readonly onerror: (e: unknown) => void,
    private readonly schedule: (run: () => void) => number = (run) => requestAnimationFrame(run),
    private readonly unschedule: (id: number) => void = (id) => cancelAnimationFrame(id),
  ) {}

  /** The text of `target`'s note changed: it is written at the next frame, even if the
   * popover closes meanwhile. */
  change(text: string, target: T): void {
    this.pending = { target, text };
    if (this.frame === null) {
      this.frame = this.schedule(() => {
        this.frame = null;
        void this.flush();
      });
    }
  }

  /** Writes what is pending now, after the write under way. */
  async flush(): Promise<void> {
    if (this.frame !== null) {
      this.unschedule(this.frame);
      this.frame = null;
    }
    while (this.running) await this.running;
    if (this.pending === null) return;
    const { target, text } = this.pending;
    this.pending = null;
    this.running = this.save(target, text)
      .catch((e: unknown) => this.onerror(e))
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }

  /** Drops what is pending (a final write follows) and waits for the write under way. */
  async settle(): Promise<void> {
    this.pending = null;
    if (this.frame !== null) {
      this.unschedule(this.frame);
      this.frame = null;
    }
    while (this.running) await this.running;
  }
}

/**
 * The note of a popover, as both readers edit it: saved while typed, finished by the button
 * (an emptied note is then removed), and written out when the popover closes.
 */
export class NoteEditor {
  private readonly auto: NoteAutosave<NoteTarget>;

  constructor(
    private readonly store: NoteStore,
    private readonly onerror: (e: unknown) => void,
  ) {
    this.auto = new NoteAutosave<NoteTarget>((target, text) => writeNote(store, target, text, false), onerror);
  }

  change(text: string, target: NoteTarget): void {
    this.auto.change(text, target);
  }

  /** The pupil is done with the note; false when it could not be written (already reported). */
  async finish(target: NoteTarget, text: string): Promise<boolean> {
    try {
      await this.auto.settle();
      await writeNote(this.store, target, text, true);
      return true;
    } catch (e) {
      this.onerror(e);
      return false;
    }
  }

  /** The popover closes: what was typed last is written. */
  close(): Promise<void> {
    return this.auto.flush();
  }
}
