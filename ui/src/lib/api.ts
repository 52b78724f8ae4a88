// The one typed door to the Tauri shell. Every command of the contract is a function here; the
// transport (`Backend`) is Tauri's IPC in the app, the mock (src/lib/mock.ts) in a plain browser
// during development, and whatever a test installs with `setBackend`.
import { invoke as tauriInvoke } from '@tauri-apps/api/core';
import { listen as tauriListen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open as openDialog, save as saveDialog } from '@tauri-apps/plugin-dialog';
import { toApiError } from './errors';
import { unpackPoints } from './ink';
import { setResourceBase, tauriResourceBase } from './urls';
import type {
  Annotation,
  AnnotationChange,
  AnnotationsImport,
  Book,
  BookId,
  Catalog,
  CatalogId,
  DownloadId,
  DownloadRequest,
  DownloadView,
  DragDrop,
  ExportFormat,
  FeedPage,
  Hit,
  ImportLine,
  ImportProgress,
  NewAnnotation,
  NoteHit,
  Opened,
  Position,
  Profile,
  ProfileId,
  ShelfBook,
  TextRun,
  Update,
} from './types';

export type Unlisten = () => void;

export interface Backend {
  invoke<T>(command: string, args?: Record<string, unknown>): Promise<T>;
  listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten>;
  onDragDrop(handler: (event: DragDrop) => void): Promise<Unlisten>;
  /** The file picker; null when the user cancels. */
  pickBooks(filterName: string): Promise<string[] | null>;
  /** The save dialog (exports); null when the user cancels. Optional: a test backend may leave it out. */
  pickSavePath?(defaultName: string, filter: FileFilter): Promise<string | null>;
  /** The open dialog for one file (annotation imports); null when the user cancels. */
  pickFile?(filter: FileFilter): Promise<string | null>;
}

export interface FileFilter {
  name: string;
  extensions: string[];
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
  pickSavePath: (defaultName, filter) => saveDialog({ defaultPath: defaultName, filters: [filter] }),
  pickFile: async (filter) => {
    const picked = await openDialog({ multiple: false, directory: false, filters: [filter] });
    return Array.isArray(picked) ? (picked[0] ?? null) : picked;
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

// Catalogues (OPDS). A catalogue that asks to sign in rejects with `SignInRequired` (or
// `WrongCredentials`) and its authentication document in `details`.
export const listCatalogs = () => call<Catalog[]>('list_catalogs');
export const addCatalog = (url: string, name?: string, username?: string, password?: string) =>
  call<Catalog>('add_catalog', { url, name: name || null, username: username ?? null, password: password ?? null });
export const renameCatalog = (id: CatalogId, name: string) => call<void>('rename_catalog', { id, name });
export const removeCatalog = (id: CatalogId) => call<void>('remove_catalog', { id });
export const signIn = (id: CatalogId, username: string, password: string) =>
  call<void>('sign_in', { id, username, password });
/** A page of a catalogue: its first page without `url`. */
export const browseCatalog = (catalog: CatalogId, url?: string) =>
  call<FeedPage>('browse_catalog', url === undefined ? { catalog } : { catalog, url });
export const searchCatalog = (catalog: CatalogId, query: string) => call<FeedPage>('search_catalog', { catalog, query });

// Downloads: a queue in the shell that survives a restart; `download-progress` tells every change.
export const listDownloads = () => call<DownloadView[]>('list_downloads');
export const startDownload = (request: DownloadRequest) => call<DownloadId>('start_download', { request });
export const pauseDownload = (id: DownloadId) => call<void>('pause_download', { id });
export const resumeDownload = (id: DownloadId) => call<void>('resume_download', { id });
export const cancelDownload = (id: DownloadId) => call<void>('cancel_download', { id });
export const clearDownloads = () => call<number>('clear_downloads');
/** Caps the speed of every download (a weak connection); null lifts the cap. */
export const getBandwidth = () => call<number | null>('get_bandwidth');
export const setBandwidth = (bytesPerSecond: number | null) => call<void>('set_bandwidth', { bytesPerSecond });
export const checkUpdates = () => call<Update[]>('check_updates');
export const acceptUpdate = (update: Update) => call<DownloadId>('accept_update', { update });

// Profiles: who is reading. Until one is chosen in this run, per-profile commands fail with `NoProfile`.
export const listProfiles = () => call<Profile[]>('list_profiles');
export const currentProfile = () => call<Profile | null>('current_profile');
/** What the window needs at start: the open profile with its settings, every profile, and the
 * open profile's shelf. */
export interface StartSession {
  profile: Profile | null;
  profiles: Profile[];
  settings: Record<string, unknown> | null;
  shelf: ShelfBook[] | null;
}
/** At start, in one round trip. The shell already asked for it while the page was loading
 * (`EARLY_SESSION` in src-tauri/src/main.rs): the first call takes that answer; later calls ask. */
export const session = (): Promise<StartSession> => {
  const early = takeEarlySession();
  return early ? early.catch((e: unknown) => Promise.reject(toApiError(e))) : call<StartSession>('session');
};

function takeEarlySession(): Promise<StartSession> | undefined {
  const holder = globalThis as { __CARTABLE_SESSION__?: Promise<StartSession> };
  const early = holder.__CARTABLE_SESSION__;
  delete holder.__CARTABLE_SESSION__;
  return early;
}
export const chooseProfile = (id: ProfileId, pin: string | null) => call<Profile>('choose_profile', { id, pin });
export const addProfile = (name: string, pin: string | null) => call<Profile>('add_profile', { name, pin });
export const renameProfile = (id: ProfileId, name: string) => call<void>('rename_profile', { id, name });
/** The current profile only; null removes the PIN. */
export const setPin = (id: ProfileId, pin: string | null) => call<void>('set_pin', { id, pin });
/** Deletes that profile's notes too: the UI asks first. */
export const removeProfile = (id: ProfileId, pin: string | null) => call<void>('remove_profile', { id, pin });
export const getSettings = () => call<Record<string, unknown>>('get_settings');
export const setSetting = (key: string, value: unknown) => call<void>('set_setting', { key, value });

// Annotations of the current profile: bookmarks, highlights, notes, ink strokes.
/** `page`: PDF page index or EPUB spine index; null for the whole book. */
/** Ink points come packed from the shell (a few short strings per page, not thousands of
 * numbers); they are unpacked here so the rest of the interface sees `points`. */
export function withPoints(a: Annotation): Annotation {
  const ink = a.ink as (Annotation['ink'] & { packed?: string }) | null;
  if (!ink || typeof ink.packed !== 'string') return a;
  const { packed, ...rest } = ink;
  return { ...a, ink: { ...rest, points: unpackPoints(packed) ?? [] } };
}

export const listAnnotations = (id: BookId, page: number | null) =>
  call<Annotation[]>('list_annotations', { id, page }).then((list) => list.map(withPoints));
export const addAnnotation = (id: BookId, annotation: NewAnnotation) =>
  call<Annotation>('add_annotation', { id, annotation }).then(withPoints);
export const updateAnnotation = (annotationId: string, change: AnnotationChange) =>
  call<Annotation>('update_annotation', { annotationId, change }).then(withPoints);
export const deleteAnnotation = (annotationId: string) => call<void>('delete_annotation', { annotationId });
export const searchNotes = (query: string, limit: number) =>
  call<NoteHit[]>('search_notes', { query, limit }).then((hits) =>
    hits.map((h) => ({ ...h, annotation: withPoints(h.annotation) })),
  );
export const exportAnnotations = (id: BookId, format: ExportFormat, path: string) =>
  call<void>('export_annotations', { id, format, path });
export const importAnnotations = (path: string) => call<AnnotationsImport>('import_annotations', { path });
export const bookAnnotationCount = (id: BookId) => call<number>('book_annotation_count', { id });

export const onDownloadProgress = (handler: (d: DownloadView) => void) =>
  backend.listen<DownloadView>('download-progress', handler);
export const onImportProgress = (handler: (p: ImportProgress) => void) =>
  backend.listen<ImportProgress>('import-progress', handler);
export const onDragDrop = (handler: (e: DragDrop) => void) => backend.onDragDrop(handler);
export const pickBooks = (filterName: string) => backend.pickBooks(filterName);
export const pickSavePath = (defaultName: string, filter: FileFilter) =>
  backend.pickSavePath ? backend.pickSavePath(defaultName, filter) : Promise.resolve(null);
export const pickFile = (filter: FileFilter) => (backend.pickFile ? backend.pickFile(filter) : Promise.resolve(null));
