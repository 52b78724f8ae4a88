// Catalogues (OPDS), the parts a view needs decided without a DOM: which button an acquisition
// gets, what a download asks the shell, whether a page is an offline copy, how a catalogue asks
// to sign in, the trail of pages browsed. Pure functions, tested in tests/catalog.test.ts.
import type {
  Acquisition,
  AcquisitionKind,
  AuthDocument,
  BookId,
  Catalog,
  DownloadRequest,
  DownloadView,
  FeedLink,
  FeedPage,
  Format,
  Price,
  Publication,
  ShelfBook,
} from './types';

// ----- acquisitions -------------------------------------------------------------------------

/** What the button of one acquisition does. Only `download` is ever clickable: a loan, a
 *  purchase or a subscription happens on the catalogue's site, and Cartable says so. */
export type AcquisitionAction =
  | { kind: 'download'; acquisition: Acquisition; format: Format | null; sample: boolean }
  | { kind: 'borrow' | 'buy' | 'subscribe'; acquisition: Acquisition; price: Price | null }
  /** Free but not something Cartable can open (a web page, DRM, another format). */
  | { kind: 'unsupported'; acquisition: Acquisition; format: Format | null };

/** The book format a media type names, if it is one Cartable reads. */
export function formatOf(mediaType: string | null | undefined): Format | null {
  const type = (mediaType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/pdf') return 'pdf';
  if (type === 'application/epub+zip') return 'epub';
  return null;
}

/** The format of what an acquisition finally gives: the end of its indirect chain, else its type. */
function finalFormat(a: Acquisition): Format | null {
  const last = a.indirect.length ? a.indirect[a.indirect.length - 1] : a.mediaType;
  return formatOf(last);
}

const SITE_ONLY: Partial<Record<AcquisitionKind, 'borrow' | 'buy' | 'subscribe'>> = {
  borrow: 'borrow',
  buy: 'buy',
  subscribe: 'subscribe',
};

export function acquisitionAction(a: Acquisition): AcquisitionAction {
  const site = SITE_ONLY[a.kind];
  if (site) return { kind: site, acquisition: a, price: a.prices[0] ?? null };
  // The shell decides what it can download (type chain, no DRM); the view never guesses more.
  if (a.downloadable) return { kind: 'download', acquisition: a, format: finalFormat(a), sample: a.kind === 'sample' };
  return { kind: 'unsupported', acquisition: a, format: finalFormat(a) };
}

const ORDER: Record<AcquisitionAction['kind'], number> = { download: 0, borrow: 1, buy: 2, subscribe: 3, unsupported: 4 };

/**
 * The buttons of a publication, downloads first: one per distinct action (two links to the same
 * EPUB give one button), full books before samples. Unsupported links are shown only when
 * nothing else is, so that a card never looks empty without a reason.
 */
export function acquisitionActions(p: Publication): AcquisitionAction[] {
  const seen = new Set<string>();
  const out: AcquisitionAction[] = [];
  for (const a of p.acquisitions) {
    const action = acquisitionAction(a);
    const key =
      action.kind === 'download'
        ? `download:${action.format}:${action.sample}`
        : action.kind === 'unsupported'
          ? 'unsupported'
          : `${action.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(action);
  }
  const rank = (x: AcquisitionAction) => ORDER[x.kind] * 2 + (x.kind === 'download' && x.sample ? 1 : 0);
  const sorted = out.map((x, i) => [x, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([x]) => x);
  const useful = sorted.filter((x) => x.kind !== 'unsupported');
  return useful.length ? useful : sorted;
}

/** The i18n key of an acquisition button's label. */
export function actionLabelKey(action: AcquisitionAction, formats: number): string {
  switch (action.kind) {
    case 'download':
      if (action.sample) return 'catalog.downloadSample';
      return formats > 1 && action.format ? 'catalog.downloadAs' : 'catalog.download';
    case 'borrow':
      return 'catalog.borrow';
    case 'buy':
      return 'catalog.buy';
    case 'subscribe':
      return 'catalog.subscribe';
    case 'unsupported':
      return 'catalog.unsupported';
  }
}

/** The i18n key of the tooltip that says why a button does nothing here, or null. */
export function actionHintKey(action: AcquisitionAction): string | null {
  switch (action.kind) {
    case 'download':
      return null;
    case 'borrow':
      return 'catalog.borrowHint';
    case 'buy':
      return 'catalog.buyHint';
    case 'subscribe':
      return 'catalog.subscribeHint';
    case 'unsupported':
      return 'catalog.unsupportedHint';
  }
}

/** A price as people read it ("18,99 €"); the value stays as the catalogue wrote it if odd. */
export function formatPrice(price: Price, lang: string): string {
  const n = Number(price.value);
  if (!Number.isFinite(n) || !price.currency) return [price.value, price.currency].filter(Boolean).join(' ');
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency: price.currency }).format(n);
  } catch {
    return `${price.value} ${price.currency}`;
  }
}

/**
 * What `start_download` needs for one acquisition of a publication seen on `page`: the entry's
 * id and the address of a page that holds it (its own, its full entry, else the list it is on),
 * so that the shell can notice a new edition later.
 */
export function downloadRequest(p: Publication, a: Acquisition, page: Pick<FeedPage, 'catalog' | 'url'>): DownloadRequest {
  return {
    url: a.href,
    catalog: page.catalog,
    entryId: p.id,
    entryUrl: p.selfUrl ?? p.detail ?? page.url,
    title: p.title || null,
    updated: p.updated,
    expectedSize: null,
  };
}

// ----- what is in the library ---------------------------------------------------------------

/** Acquisition address → book it became, from finished downloads (kept after they are cleared). */
export type KnownBooks = Record<string, BookId>;

export function rememberDownloads(known: KnownBooks, downloads: readonly DownloadView[]): KnownBooks {
  let next = known;
  // Oldest first, so that the latest download of an address (a new edition) has the last word.
  for (const d of [...downloads].sort((a, b) => a.id - b.id)) {
    if (d.state === 'done' && d.book && next[d.url] !== d.book) {
      if (next === known) next = { ...known };
      next[d.url] = d.book;
    }
  }
  return next;
}

/** Acquisition address → book, for the library's books that came from a catalogue. */
export function knownFromShelf(known: KnownBooks, books: readonly ShelfBook[]): KnownBooks {
  let next = known;
  for (const b of books) {
    if (b.source.kind === 'catalog' && next[b.source.url] === undefined) {
      if (next === known) next = { ...known };
      next[b.source.url] = b.id;
    }
  }
  return next;
}

/**
 * The book in the library that an acquisition became, if it is still there and readable.
 * Titles are never compared: only what the shell said a download became.
 */
export function bookFor(href: string, known: KnownBooks, available: ReadonlySet<BookId>): BookId | null {
  const id = known[href];
  return id !== undefined && available.has(id) ? id : null;
}

/** The first of a publication's downloadable links that is already a book of the library. */
export function publicationBook(p: Publication, known: KnownBooks, available: ReadonlySet<BookId>): BookId | null {
  for (const a of p.acquisitions) {
    const id = a.downloadable ? bookFor(a.href, known, available) : null;
    if (id) return id;
  }
  return null;
}

const ACTIVE = new Set(['queued', 'running', 'paused', 'failed']);

/** The latest download of an address that is not over (to show its state instead of a button). */
export function activeDownload(href: string, downloads: readonly DownloadView[]): DownloadView | null {
  return downloads.find((d) => d.url === href && ACTIVE.has(d.state)) ?? null;
}

// ----- pages, errors, offline ---------------------------------------------------------------

/** Errors that mean "no connection" rather than "this catalogue is wrong". */
export const NO_CONNECTION = ['Offline', 'Timeout', 'ConnectionLost'];

export function isNoConnection(code: string): boolean {
  return NO_CONNECTION.includes(code);
}

export function isSignIn(code: string): boolean {
  return code === 'SignInRequired' || code === 'WrongCredentials';
}

/** The offline banner of a page: when its copy was saved, or null for a fresh page. */
export function offlineSince(page: Pick<FeedPage, 'offline' | 'fetchedAt'> | null): Date | null {
  return page?.offline ? new Date(page.fetchedAt) : null;
}

/** A page's date as the banner says it ("27 nov. 2026, 10:20"). */
export function formatSavedAt(date: Date, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Whether a navigation link leads to a web page rather than to another catalogue page. */
export function isWebPage(link: Pick<FeedLink, 'mediaType'>): boolean {
  const type = (link.mediaType ?? '').toLowerCase();
  return type.startsWith('text/html') || type.startsWith('application/xhtml');
}

export function isEmptyFeed(page: FeedPage): boolean {
  const f = page.feed;
  return !f.navigation.length && !f.publications.length && !f.groups.length;
}

/** Catalogues in the order of the list: the bundled one first, then by name. */
export function sortCatalogs(list: readonly Catalog[], lang: string): Catalog[] {
  const c = new Intl.Collator(lang, { sensitivity: 'base', numeric: true });
  return [...list].sort((a, b) => Number(b.bundled) - Number(a.bundled) || c.compare(a.name, b.name) || a.id - b.id);
}

/** A language code as a name in the interface's language ("fr" → "français"). */
export function languageName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** An OPDS date ("2026-11-27T08:00:00Z", or just "1857") for people. */
export function formatFeedDate(value: string, lang: string): string {
  if (/^\d{4}$/.test(value)) return value;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(d);
}

// ----- signing in ---------------------------------------------------------------------------

export interface SignInPrompt {
  title: string;
  description: string | null;
  logo: string | null;
  /** The catalogue's own labels, or null for Cartable's words. */
  loginLabel: string | null;
  passwordLabel: string | null;
  /** False when the catalogue only offers ways Cartable cannot follow (a web page, SAML). */
  supported: boolean;
}

function isAuthDocument(v: unknown): v is AuthDocument {
  return !!v && typeof v === 'object' && Array.isArray((v as AuthDocument).flows);
}

/** What the sign-in dialog shows, from the `details` of `SignInRequired` (which may be absent). */
export function signInPrompt(details: unknown, fallbackTitle: string): SignInPrompt {
  if (!isAuthDocument(details)) {
    return { title: fallbackTitle, description: null, logo: null, loginLabel: null, passwordLabel: null, supported: true };
  }
  const usable = details.flows.find((f) => f.kind === 'basic' || f.kind === 'oauthPassword');
  const labels = (usable ?? details.flows[0])?.labels ?? null;
  return {
    title: details.title.trim() || fallbackTitle,
    description: details.description,
    logo: details.logo,
    loginLabel: labels?.login?.trim() || null,
    passwordLabel: labels?.password?.trim() || null,
    supported: !details.flows.length || usable !== undefined,
  };
}

// ----- the trail of pages -------------------------------------------------------------------

/** One step of the breadcrumb: the catalogue's first page (no url), a page, or a search. */
export interface Crumb {
  title: string;
  url?: string;
  query?: string;
}

/** Going into a link adds a step. */
export function pushCrumb(trail: readonly Crumb[], crumb: Crumb): Crumb[] {
  return [...trail, crumb];
}

/** Another page of the same list (next, previous, a facet) replaces the last step. */
export function replaceLast(trail: readonly Crumb[], url: string): Crumb[] {
  if (!trail.length) return [{ title: '', url }];
  const last = trail[trail.length - 1]!;
  return [...trail.slice(0, -1), { title: last.title, url }];
}

/** Back to step `index` (0 = the catalogue's first page). */
export function backTo(trail: readonly Crumb[], index: number): Crumb[] {
  return trail.slice(0, Math.max(1, Math.min(trail.length, index + 1)));
}

/** A search covers the whole catalogue: its results sit right under the first page (and a
 *  new search replaces the last one rather than piling up). */
export function searchCrumb(trail: readonly Crumb[], query: string, title: string): Crumb[] {
  return [trail[0] ?? { title: '' }, { title, query }];
}
