// Importing files: one batch at a time, per-file progress from the shell's `import-progress`
// events, the final word from `import_files`, and a password asked for each protected PDF.
import * as api from './api';
import type { ImportLine, ImportProgress } from './types';

export type LineStatus = 'waiting' | 'started' | 'imported' | 'already-in-library' | 'error';

export interface Line {
  file: string;
  name: string;
  status: LineStatus;
  code: string | null;
  error: string | null;
  title: string | null;
}

export interface PasswordRequest {
  file: string;
  wrong: boolean;
  /** Counts the tries, so that each one gets a fresh, empty field. */
  attempt: number;
}

const baseName = (p: string) => p.split(/[\\/]/).pop() || p;

export const isBook = (p: string) => /\.(pdf|epub)$/i.test(p);

class Importer {
  lines = $state<Line[]>([]);
  running = $state(false);
  password = $state<PasswordRequest | null>(null);
  /** Bumped when books were added, so that the library reloads. */
  generation = $state(0);

  #queue: string[][] = [];
  #batch: string[] = [];
  #passwordQueue: string[] = [];
  #unlisten: api.Unlisten | null = null;

  get done(): number {
    return this.lines.filter((l) => l.status !== 'waiting' && l.status !== 'started').length;
  }

  get visible(): boolean {
    return this.lines.length > 0;
  }

  async listen(): Promise<void> {
    if (this.#unlisten) return;
    this.#unlisten = await api.onImportProgress((p) => this.#progress(p));
  }

  stop(): void {
    this.#unlisten?.();
    this.#unlisten = null;
  }

  /** Adds files; the ones already waiting or running are not added twice. */
  add(paths: string[]): void {
    const fresh = paths.filter((p) => !this.lines.some((l) => l.file === p && (l.status === 'waiting' || l.status === 'started')));
    if (!fresh.length) return;
    if (!this.running && this.lines.every((l) => l.status !== 'waiting' && l.status !== 'started')) this.lines = [];
    for (const file of fresh) this.lines.push({ file, name: baseName(file), status: 'waiting', code: null, error: null, title: null });
    this.#queue.push(fresh);
    void this.#pump();
  }

  clear(): void {
    if (this.running) return;
    this.lines = [];
  }

  async #pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let batch: string[] | undefined;
      while ((batch = this.#queue.shift())) {
        this.#batch = batch;
        let result: ImportLine[];
        try {
          result = await api.importFiles(batch);
        } catch (e) {
          const err = e as { code?: string; message?: string };
          for (const file of batch) this.#set(file, { status: 'error', code: err.code ?? 'Unknown', error: err.message ?? null });
          continue;
        }
        this.#apply(result);
      }
    } finally {
      this.#batch = [];
      this.running = false;
      this.generation++;
      this.#nextPassword();
    }
  }

  #progress(p: ImportProgress): void {
    const file = this.#batch[p.index] ?? p.file;
    this.#set(file, { status: p.status, error: p.error });
  }

  #apply(result: ImportLine[]): void {
    for (const r of result) {
      this.#set(r.file, { status: r.status, code: r.code, error: r.error, title: r.title });
      if (r.code === 'PasswordRequired' && !this.#passwordQueue.includes(r.file)) this.#passwordQueue.push(r.file);
    }
  }

  #set(file: string, patch: Partial<Line>): void {
    const line = this.lines.find((l) => l.file === file);
    if (line) Object.assign(line, patch);
  }

  #nextPassword(): void {
    if (this.password) return;
    const file = this.#passwordQueue.shift();
    if (file) this.password = { file, wrong: false, attempt: 0 };
  }

  async submitPassword(password: string): Promise<void> {
    const req = this.password;
    if (!req) return;
    this.#set(req.file, { status: 'started', code: null, error: null });
    try {
      const [r] = await api.importFiles([req.file], password);
      if (r?.code === 'WrongPassword') {
        this.#set(req.file, { status: 'error', code: 'WrongPassword', error: r.error });
        this.password = { file: req.file, wrong: true, attempt: req.attempt + 1 };
        return;
      }
      if (r) this.#set(req.file, { status: r.status, code: r.code, error: r.error, title: r.title });
      this.generation++;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (err.code === 'WrongPassword') {
        this.password = { file: req.file, wrong: true, attempt: req.attempt + 1 };
        this.#set(req.file, { status: 'error', code: 'WrongPassword', error: err.message ?? null });
        return;
      }
      this.#set(req.file, { status: 'error', code: err.code ?? 'Unknown', error: err.message ?? null });
    }
    this.password = null;
    this.#nextPassword();
  }

  /** Opens the password dialog again for a protected file the pupil skipped. */
  askPassword(file: string): void {
    if (this.password || this.running) return;
    this.password = { file, wrong: false, attempt: 0 };
  }

  cancelPassword(): void {
    const req = this.password;
    if (req) this.#set(req.file, { status: 'error', code: 'PasswordRequired' });
    this.password = null;
    this.#nextPassword();
  }
}

export const importer = new Importer();
