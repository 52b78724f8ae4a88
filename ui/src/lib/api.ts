// The one typed door to the Tauri shell. Every command of the contract is a function here; the
// transport (`Backend`) is Tauri's IPC in the app, the mock (src/lib/mock.ts) in a plain browser
// during development, and whatever a test installs with `setBackend`.
import { invoke as tauriInvoke } from '@tauri-apps/api/core';
import { listen as tauriListen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open as openDialog } from '@tauri-apps/plugin-dialog';
import { toApiError } from './errors';
import { setResourceBase, tauriResourceBase } from './urls';
import type {
  Book,
  BookId,
  DragDrop,
  Hit,
  ImportLine,
  ImportProgress,
  Opened,
  Position,
  ShelfBook,
  TextRun,
} from './types';

export type Unlisten = () => void;

export interface Backend {
  invoke<T>(command: string, args?: Record<string, unknown>): Promise<T>;
  listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten>;
  onDragDrop(handler: (event: DragDrop) => void): Promise<Unlisten>;
  /** The file picker; null when the user cancels. */
  pickBooks(filterName: string): Promise<string[] | null>;
}

const tauriBackend: Backend = {
  invoke: (command, args) => tauriInvoke(command, args),
  listen: (event, handler) => tauriListen(event, (e) => handler(e.payload as never)),
  onDragDrop: (handler) =>
    getCurrentWebview().onDragDropEvent((e) => {
      const p = e.payload;
      if (p.type === 'leave') handler({ type: 'leave' });
      else if (p.type === 'over') handler({ type: 'over', paths: [] });
      else handler({ type: p.type, paths: p.paths });
    }),
  pickBooks: async (filterName) => {
    const picked = await openDialog({
      multiple: true,
      directory: false,
      filters: [{ name: filterName, extensions: ['pdf', 'epub', 'PDF', 'EPUB'] }],
    });
    if (picked === null) return null;
    return Array.isArray(picked) ? picked : [picked];
  },
};

const noShell: Backend = {
  invoke: () => Promise.reject({ code: 'NoShell', message: 'Cartable must run inside its desktop app.' }),
  listen: async () => () => {},
  onDragDrop: async () => () => {},
  pickBooks: async () => null,
};

let backend: Backend = noShell;

export function isTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** Chooses the transport once, before the app mounts. */
export async function initBackend(): Promise<void> {
  if (isTauri()) {
    backend = tauriBackend;
    setResourceBase(tauriResourceBase(navigator.userAgent));
  } else if (import.meta.env.DEV) {
    const mock = await import('./mock');
    backend = mock.mockBackend;
    setResourceBase(mock.MOCK_RESOURCE_BASE);
  }
}

export function setBackend(b: Backend): void {
  backend = b;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await backend.invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const listBooks = () => call<ShelfBook[]>('list_books');
export const getBook = (id: BookId) => call<Book>('get_book', { id });
export const openBook = (id: BookId) => call<Opened>('open_book', { id });
export const savePosition = (id: BookId, position: Position) => call<void>('save_position', { id, position });
export const importFiles = (paths: string[], password?: string) =>
  call<ImportLine[]>('import_files', password === undefined ? { paths } : { paths, password });
export const removeBook = (id: BookId) => call<void>('remove_book', { id });
export const search = (query: string, book: BookId | null, limit: number) =>
  call<Hit[]>('search', { query, book, limit });
export const textLayer = (id: BookId, page: number) => call<TextRun[]>('text_layer', { id, page });
export const pageForLabel = (id: BookId, label: string) => call<number>('page_for_label', { id, label });

export const onImportProgress = (handler: (p: ImportProgress) => void) =>
  backend.listen<ImportProgress>('import-progress', handler);
export const onDragDrop = (handler: (e: DragDrop) => void) => backend.onDragDrop(handler);
export const pickBooks = (filterName: string) => backend.pickBooks(filterName);
