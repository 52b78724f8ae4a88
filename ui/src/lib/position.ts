// Saving the reading position: debounced while the pupil turns pages, at once when they leave.
import type { Position } from './types';

export interface PositionSaver {
  /** A new position: saved after `delay` ms without another one. */
  update(position: Position): void;
  /** Saves the pending position now (leaving the reader, closing the window). */
  flush(): Promise<void>;
  /** Stops the timer; a pending position is flushed. */
  dispose(): Promise<void>;
}

export function createPositionSaver(
  save: (position: Position) => Promise<void>,
  delay = 300,
  onError: (e: unknown) => void = () => {},
): PositionSaver {
  let pending: Position | null = null;
  let lastSaved: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const clear = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  const flush = async () => {
    clear();
    const p = pending;
    pending = null;
    if (!p) return;
    const key = `${p.loc}|${p.progress}|${p.label ?? ''}`;
    if (key === lastSaved) return;
    lastSaved = key;
    try {
      await save(p);
    } catch (e) {
      lastSaved = null;
      onError(e);
    }
  };

  return {
    update(position) {
      pending = position;
      clear();
      timer = setTimeout(() => void flush(), delay);
    },
    flush,
    dispose: flush,
  };
}

/** `page:N` (0-based) is a PDF position. */
export function pdfLoc(index: number): string {
  return `page:${index}`;
}

export function parsePdfLoc(loc: string | null | undefined): number | null {
  const m = /^page:(\d+)$/.exec(loc ?? '');
  return m ? Number(m[1]) : null;
}
