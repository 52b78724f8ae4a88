// Ink mode of a reader (PDF pages, fixed-layout EPUB pages): whether it is on, the tool the ink
// toolbar has chosen, and the strokes drawn and erased, one record per stroke stored on pointer
// up; undo deletes, redo adds again (as a new record: ids are never revived).
import { INK_COLORS, INK_WIDTHS, InkHistory, type HistoryStroke, type InkSettings } from './ink';
import { load } from './settings.svelte';
import type { BookAnnotations } from './annotations.svelte';
import type { Anchor, Annotation, Ink } from './types';

export class InkMode {
  on = $state(false);
  settings = $state<InkSettings>({
    tool: 'pen',
    color: load<string>('ink.color', INK_COLORS[0], (v) => (INK_COLORS as readonly unknown[]).includes(v)),
    width: load<number>('ink.width', INK_WIDTHS[1], (v) => (INK_WIDTHS as readonly unknown[]).includes(v)),
  });
  canUndo = $state(false);
  canRedo = $state(false);
  private readonly history: InkHistory;
  private erasing: HistoryStroke[] = [];

  /**
   * `anchor` makes the anchor of a stroke on a page (PDF page index or EPUB spine index);
   * `onerror` tells the pupil that the shell refused a change.
   */
  constructor(
    private readonly notes: BookAnnotations,
    private readonly anchor: (page: number) => Anchor,
    private readonly onerror: (e: unknown) => void,
  ) {
    this.history = new InkHistory(
      {
        add: async (page, ink) => (await notes.add({ kind: 'ink', anchor: anchor(page), ink })).id,
        remove: (id) => notes.remove(id),
      },
      () => {
        this.canUndo = this.history.canUndo;
        this.canRedo = this.history.canRedo;
      },
    );
  }

  /** The tool for the ink layers: null when ink mode is off (they only show). */
  get tool(): InkSettings | null {
    return this.on ? this.settings : null;
  }

  /** A stroke drawn on a page: stored, then undoable. */
  async stroke(page: number, ink: Ink): Promise<void> {
    try {
      const a = await this.notes.add({ kind: 'ink', anchor: this.anchor(page), ink });
      this.history.drew({ id: a.id, page, ink });
    } catch (e) {
      this.onerror(e);
    }
  }

  /** The eraser touched a stroke: deleted at once, undoable with the rest of the gesture. */
  erase(page: number, a: Annotation): void {
    if (!a.ink) return;
    this.erasing.push({ id: a.id, page, ink: a.ink });
    this.notes.remove(a.id).catch(this.onerror);
  }

  /** The eraser was lifted: what it took is one step of the history. */
  eraseDone(): void {
    this.history.erased(this.erasing);
    this.erasing = [];
  }

  undo(): void {
    this.history.undo().catch(this.onerror);
  }

  redo(): void {
    this.history.redo().catch(this.onerror);
  }
}
