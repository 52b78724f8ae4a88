// Development only: a Backend for `npm run dev` in a plain browser (no Tauri). It answers the
// contract with the real `cartable` CLI through dev/mock-server.ts, keeps positions in memory and
// fakes what the CLI cannot do (the file picker, drag and drop, import progress, text layers,
// catalogues and downloads, and profiles, settings and annotations in memory: a bundled catalogue, a school one that asks to sign in as
// eleve / secret, downloads that take a few seconds).
import type { Backend } from './api';
import { createAnnotationStore } from './mockannotations';
import type {
  Acquisition,
  Book,
  Catalog,
  DownloadRequest,
  DownloadView,
  DragDrop,
  FeedPage,
  Hit,
  ImportLine,
  ImportProgress,
  Position,
  Publication,
  ShelfBook,
  TextRun,
} from './types';

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
  source: { kind: 'file', path: '/home/famille/Documents/histoire-5e.pdf' },
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

// ----- catalogues and downloads (all in memory) ---------------------------------------------

const catalogs: Catalog[] = [{ id: 1, name: 'Cartable', url: 'bundled://cartable/catalogue.xml', username: null, bundled: true, auth: null }];
const mockAuth = {
  id: 'https://ent.example/auth',
  title: 'ENT du collège',
  description: 'Connecte-toi avec ton compte ENT (eleve / secret).',
  logo: null,
  register: null,
  help: [],
  flows: [{ kind: 'basic', labels: { login: 'Identifiant ENT', password: 'Mot de passe' } }],
};
const loads: DownloadView[] = [];
let nextDownload = 1;
let bandwidth: number | null = null;

const free = (href: string, type: string): Acquisition => ({ kind: 'openAccess', href, mediaType: type, indirect: [], prices: [], downloadable: true });

function publication(id: string, title: string, summary: string, acquisitions: Acquisition[]): Publication {
  return {
    id, title, authors: ['L’équipe Cartable'], summary, language: 'fr', publisher: 'Cartable', identifiers: [], published: null,
    updated: '2026-11-27T08:00:00Z', subjects: [], cover: null, thumbnail: null, acquisitions, detail: null, selfUrl: null,
  };
}

function catalogPage(catalog: number, url: string, query?: string): FeedPage {
  const all = [
    publication('urn:cartable:book:mathematiques-6e', 'Mathématiques 6e : nombres et géométrie', 'Nombres, fractions, aires et angles.', [free('bundled://cartable/mathematiques-6e.pdf', 'application/pdf')]),
    publication('urn:cartable:book:sciences', 'Sciences : le cycle de l’eau', 'Les états de l’eau, les nuages, les pluies.', [free('bundled://cartable/sciences-cycle-de-l-eau.epub', 'application/epub+zip')]),
    publication('urn:mock:histoire', 'Histoire 5e', 'Un manuel à emprunter au CDI.', [{ kind: 'borrow', href: 'https://cdi.example/borrow', mediaType: 'text/html', indirect: [], prices: [], downloadable: false }]),
    publication('urn:mock:anglais', 'Anglais 6e', 'Un manuel à acheter.', [{ kind: 'buy', href: 'https://editeur.example/buy', mediaType: 'text/html', indirect: [], prices: [{ value: '18.90', currency: 'EUR' }], downloadable: false }]),
  ];
  const publications = query ? all.filter((p) => p.title.toLowerCase().includes(query.toLowerCase())) : all;
  return {
    catalog,
    url,
    offline: false,
    fetchedAt: Date.now(),
    feed: {
      title: query ? 'Recherche' : 'Cartable — manuels libres', navigation: [], publications, groups: [], facets: [],
      next: null, previous: null, first: null, last: null, up: null, start: null,
      search: { kind: 'template', template: { template: '/search{?query}' } },
    },
  };
}

function startMockDownload(r: DownloadRequest): number {
  const d: DownloadView = {
    id: nextDownload++, url: r.url, title: r.title, state: 'running', bytes: 0, total: 2_400_000, bytesPerSecond: 0,
    etaSeconds: null, errorCode: null, error: null, book: null, replaces: null,
  };
  loads.unshift(d);
  const tick = setInterval(async () => {
    if (d.state !== 'running') return;
    d.bytes = Math.min(d.total!, d.bytes + 400_000);
    d.bytesPerSecond = 400_000;
    d.etaSeconds = Math.round((d.total! - d.bytes) / 400_000);
    if (d.bytes >= d.total!) {
      clearInterval(tick);
      const books = await shelf();
      const match = books.find((b) => r.title && b.title.startsWith(r.title.split(' :')[0]!));
      if (match) Object.assign(d, { state: 'done', book: match.id });
      else Object.assign(d, { state: 'failed', errorCode: 'NotABook', error: 'not a book' });
    }
    emit('download-progress', { ...d });
  }, 500);
  return d.id;
}

function mockDownload(id: number): DownloadView {
  const d = loads.find((x) => x.id === id);
  if (!d) throw { code: 'DownloadNotFound', message: `no download ${id}` };
  return d;
}

/** Profiles, settings and annotations (mockannotations.ts); `reset` gives tests a fresh start. */
export const mockStore = createAnnotationStore(async (id) => (await shelf().catch(() => [])).find((b) => b.id === id)?.title ?? id);

export const mockBackend: Backend = {
  async invoke<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = args.id as string;
    await sleep(30);
    const answered = await mockStore.handle(command, args);
    if (answered) return answered.value as T;
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
      case 'list_catalogs':
        return catalogs.map((c) => ({ ...c })) as T;
      case 'add_catalog': {
        if (args.username !== 'eleve' && args.username !== undefined && args.username !== null)
          throw { code: 'WrongCredentials', message: 'refused', details: mockAuth };
        if (!args.username) throw { code: 'SignInRequired', message: 'sign in', details: mockAuth };
        if (args.password !== 'secret') throw { code: 'WrongCredentials', message: 'refused', details: mockAuth };
        const c: Catalog = { id: catalogs.length + 1, name: String(args.name || 'ENT du collège'), url: String(args.url), username: 'eleve', bundled: false, auth: null };
        catalogs.push(c);
        return c as T;
      }
      case 'rename_catalog': {
        const c = catalogs.find((x) => x.id === args.id);
        if (c) c.name = String(args.name);
        return undefined as T;
      }
      case 'remove_catalog':
        catalogs.splice(catalogs.findIndex((x) => x.id === args.id), 1);
        return undefined as T;
      case 'sign_in':
        return undefined as T;
      case 'browse_catalog':
        return catalogPage(args.catalog as number, String(args.url ?? 'bundled://cartable/catalogue.xml')) as T;
      case 'search_catalog':
        return catalogPage(args.catalog as number, 'bundled://search', String(args.query)) as T;
      case 'list_downloads':
        return loads.map((d) => ({ ...d })) as T;
      case 'start_download':
        return startMockDownload(args.request as DownloadRequest) as T;
      case 'pause_download':
        mockDownload(args.id as number).state = 'paused';
        return undefined as T;
      case 'resume_download':
        Object.assign(mockDownload(args.id as number), { state: 'running', errorCode: null, error: null });
        return undefined as T;
      case 'cancel_download':
        Object.assign(mockDownload(args.id as number), { state: 'cancelled', bytes: 0 });
        return undefined as T;
      case 'clear_downloads': {
        const before = loads.length;
        for (let i = loads.length - 1; i >= 0; i--) if (loads[i]!.state === 'done' || loads[i]!.state === 'cancelled') loads.splice(i, 1);
        return (before - loads.length) as T;
      }
      case 'get_bandwidth':
        return bandwidth as T;
      case 'set_bandwidth':
        bandwidth = (args.bytesPerSecond as number | null) ?? null;
        return undefined as T;
      case 'check_updates':
        return [] as T;
      case 'accept_update':
        return startMockDownload({ url: 'bundled://update', catalog: 1, entryId: null, entryUrl: null, title: null, updated: null, expectedSize: null }) as T;
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
  async pickSavePath(defaultName: string) {
    return `/home/eleve/Documents/${defaultName}`;
  },
  async pickFile() {
    return '/home/eleve/Documents/annotations.json';
  },
  async pickBooks() {
    return ['/home/eleve/Documents/mathematiques-6e.pdf', '/home/eleve/Documents/livre-protege.pdf', '/home/eleve/Documents/livre-casse.epub'];
  },
};
