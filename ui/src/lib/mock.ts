// Development only: a Backend for `npm run dev` in a plain browser (no Tauri). It answers the
// contract with the real `cartable` CLI through dev/mock-server.ts, keeps positions in memory and
// fakes what the CLI cannot do (the file picker, drag and drop, import progress, text layers).
import type { Backend } from './api';
import type { Book, DragDrop, Hit, ImportLine, ImportProgress, Position, ShelfBook, TextRun } from './types';

export const MOCK_RESOURCE_BASE = '/mock/';

const positions = new Map<string, Position>();
const opened = new Map<string, number>();
const removed = new Set<string>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();

const ghost: ShelfBook = {
  id: 'f'.repeat(64),
  title: 'Histoire-Géographie 5e (copie sur l’autre ordinateur)',
  authors: ['Collectif'],
  format: 'pdf',
  layout: 'paged',
  pages: 212,
  sections: null,
  language: 'fr',
  fileSize: 48_000_000,
  addedAt: Date.now() - 86_400_000 * 30,
  openedAt: null,
  progress: null,
  available: false,
};

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`/mock/api/${path}`);
  if (!res.ok) throw await res.json().catch(() => ({ code: 'Io', message: res.statusText }));
  return (await res.json()) as T;
}

function emit(event: string, payload: unknown) {
  for (const l of listeners.get(event) ?? []) l(payload);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function shelf(): Promise<ShelfBook[]> {
  const books = await get<Omit<ShelfBook, 'progress' | 'available'>[]>('list');
  const list = books
    .filter((b) => !removed.has(b.id))
    .map((b) => ({
      ...b,
      openedAt: opened.get(b.id) ?? b.openedAt,
      progress: positions.get(b.id)?.progress ?? null,
      available: true,
    }));
  return removed.has(ghost.id) ? list : [...list, ghost];
}

async function book(id: string): Promise<Book> {
  if (id === ghost.id) throw { code: 'BookNotFound', message: 'the file of this book is not on this computer' };
  const b = await get<Book>(`info/${id}`);
  return { ...b, progress: positions.get(id)?.progress ?? null, available: true };
}

async function textLayer(id: string, page: number): Promise<TextRun[]> {
  const res = await fetch(`/mock/api/text/${id}/${page + 1}`);
  const text = res.ok ? await res.text() : '';
  return text
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, 30)
    .map((line, i) => {
      const chars = Array.from(line);
      const left = 0.1;
      const w = 0.0085;
      const top = 0.1 + i * 0.027;
      return { text: line, left, top, right: left + chars.length * w, bottom: top + 0.018, edges: chars.map((_, k) => left + (k + 1) * w) };
    });
}

async function importFiles(paths: string[], password?: string): Promise<ImportLine[]> {
  const out: ImportLine[] = [];
  for (const [index, file] of paths.entries()) {
    emit('import-progress', { index, total: paths.length, file, status: 'started', error: null } satisfies ImportProgress);
    await sleep(600);
    let line: ImportLine = { file, status: 'error', book: null, title: null, format: null, pages: null, sections: null, code: 'UnsupportedFormat', error: 'this file is neither a PDF nor an EPUB' };
    if (/protege/.test(file)) {
      line = password === 'secret'
        ? { ...line, status: 'imported', code: null, error: null, title: 'Livre protégé', format: 'pdf', pages: 3 }
        : { ...line, code: password ? 'WrongPassword' : 'PasswordRequired', error: 'this PDF is protected by a password' };
    } else if (/casse/.test(file)) {
      line = { ...line, code: 'EpubDamaged', error: 'the EPUB is damaged' };
    } else if (/\.(pdf|epub)$/.test(file)) {
      const books = await shelf();
      const b = books[0];
      line = { ...line, status: 'already-in-library', code: null, error: null, book: b?.id ?? null, title: b?.title ?? null, format: b?.format ?? null };
    }
    emit('import-progress', { index, total: paths.length, file, status: line.status, error: line.error } satisfies ImportProgress);
    out.push(line);
  }
  return out;
}

export const mockBackend: Backend = {
  async invoke<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = args.id as string;
    await sleep(30);
    switch (command) {
      case 'list_books':
        return (await shelf()) as T;
      case 'get_book':
        return (await book(id)) as T;
      case 'open_book': {
        const b = await book(id);
        opened.set(id, Date.now());
        return { book: b, position: positions.get(id) ?? null } as T;
      }
      case 'save_position':
        positions.set(id, args.position as Position);
        return undefined as T;
      case 'import_files':
        return (await importFiles(args.paths as string[], args.password as string | undefined)) as T;
      case 'remove_book':
        removed.add(id);
        return undefined as T;
      case 'search': {
        const query = String(args.query ?? '').trim();
        if (!query) throw { code: 'EmptyQuery', message: 'the search is empty' };
        const q = new URLSearchParams({ q: query, limit: String(args.limit ?? 50) });
        if (args.book) q.set('book', String(args.book));
        const hits = await get<(Omit<Hit, 'index'> & { page: number })[]>(`search?${q}`);
        return hits.map(({ page, ...h }) => ({ ...h, index: page - 1 })) as T;
      }
      case 'text_layer':
        return (await textLayer(id, args.page as number)) as T;
      case 'page_for_label': {
        const b = await book(id);
        const label = String(args.label).trim().toLowerCase();
        const hit = b.pageLabels.find((l) => l.label.toLowerCase() === label);
        if (!hit || hit.page === null) throw { code: 'LabelNotFound', message: `no page is labelled "${args.label}"` };
        return hit.page as T;
      }
      default:
        throw { code: 'Unknown', message: `mock: no command ${command}` };
    }
  },
  async listen<T>(event: string, handler: (payload: T) => void) {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const h = handler as (p: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  },
  async onDragDrop(handler: (e: DragDrop) => void) {
    // A plain browser gives no paths for dropped files; the names stand in for them.
    const over = (e: DragEvent) => {
      e.preventDefault();
      handler({ type: 'over', paths: [] });
    };
    const leave = () => handler({ type: 'leave' });
    const drop = (e: DragEvent) => {
      e.preventDefault();
      handler({ type: 'drop', paths: Array.from(e.dataTransfer?.files ?? [], (f) => `/home/eleve/${f.name}`) });
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  },
  async pickBooks() {
    return ['/home/eleve/Documents/mathematiques-6e.pdf', '/home/eleve/Documents/livre-protege.pdf', '/home/eleve/Documents/livre-casse.epub'];
  },
};
