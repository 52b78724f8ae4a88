// The shell's contract: the shapes that cross `invoke` (camelCase, as the core serialises them).

export type BookId = string;
export type Format = 'pdf' | 'epub';
export type Layout = 'paged' | 'reflowable' | 'pre-paginated';

/** One book of the library list. */
export interface ShelfBook {
  id: BookId;
  title: string;
  authors: string[];
  format: Format;
  layout: Layout;
  /** PDF pages, or fixed-layout EPUB pages; null for a reflowable EPUB. */
  pages: number | null;
  /** EPUB spine length; null for a PDF. */
  sections: number | null;
  language: string | null;
  fileSize: number;
  /** Unix milliseconds. */
  addedAt: number;
  openedAt: number | null;
  /** 0..1, null when never opened. */
  progress: number | null;
  /** The file is in the library, so the book reads offline. */
  available: boolean;
  /** Where the book came from. */
  source: BookSource;
}

export type BookSource =
  | { kind: 'file'; path: string }
  | { kind: 'bundled'; name: string }
  /** Downloaded from `url` (the acquisition address), from the catalogue named `catalog`. */
  | { kind: 'catalog'; url: string; catalog: string | null };

export interface TocEntry {
  title: string;
  depth: number;
  /** PDF: 0-based page. EPUB: spine index. */
  page: number | null;
  /** EPUB: `path#fragment` inside the archive. */
  href: string | null;
}

export interface PageLabel {
  label: string;
  page: number | null;
  href: string | null;
}

export interface Section {
  href: string;
  mediaType: string;
  linear: boolean;
  layout: Layout | null;
  /** Uncompressed size in bytes, when the shell gives it (see the report: proposed addition). */
  size?: number;
}

export interface PageSize {
  width: number;
  height: number;
}

export interface Book extends ShelfBook {
  publisher: string | null;
  description: string | null;
  subjects: string[];
  identifiers: { scheme: string | null; value: string }[];
  published: string | null;
  direction: 'ltr' | 'rtl';
  wasProtected: boolean;
  hasCover: boolean;
  toc: TocEntry[];
  pageLabels: PageLabel[];
  /** EPUB spine: one entry per section, in reading order. */
  spine: Section[];
  /** PDF page sizes in points. */
  pageSizes: PageSize[];
}

export interface Position {
  /** `page:N` (0-based) for a PDF, an EPUB CFI for an EPUB. */
  loc: string;
  /** 0..1 */
  progress: number;
  label: string | null;
}

export interface Opened {
  book: Book;
  position: Position | null;
}

export type ImportStatus = 'imported' | 'already-in-library' | 'error';

export interface ImportLine {
  file: string;
  status: ImportStatus;
  book: BookId | null;
  title: string | null;
  format: Format | null;
  pages: number | null;
  sections: number | null;
  code: string | null;
  error: string | null;
}

export interface ImportProgress {
  index: number;
  total: number;
  file: string;
  status: 'started' | ImportStatus;
  error: string | null;
}

export interface Hit {
  book: BookId;
  title: string;
  /** 0-based PDF page or EPUB spine index. */
  index: number;
  label: string | null;
  /** HTML-escaped text with <mark>…</mark>: safe for innerHTML. */
  snippet: string;
}

export interface TextRun {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** Right edge of each character (code point) of `text`, as a fraction of the page width. */
  edges: number[];
}

export type DragDrop =
  | { type: 'enter' | 'over'; paths: string[] }
  | { type: 'drop'; paths: string[] }
  | { type: 'leave' };

// ----- catalogues (OPDS) and downloads -----------------------------------------------------

/** The catalogue's sign-in flows (OPDS Authentication 1.0); others by their type URI. */
export type AuthKind = 'basic' | 'oauthPassword' | { other: string };

export interface AuthFlow {
  kind: AuthKind;
  /** The catalogue's own words for the fields ("Carte de bibliothèque", "Code"). */
  labels: { login: string | null; password: string | null } | null;
  authenticateUrl?: string | null;
  refreshUrl?: string | null;
}

/** What a catalogue says about signing in: `details` of `SignInRequired` / `WrongCredentials`. */
export interface AuthDocument {
  id: string | null;
  title: string;
  description: string | null;
  logo: string | null;
  register: string | null;
  help: string[];
  flows: AuthFlow[];
}

export type CatalogId = number;

export interface Catalog {
  id: CatalogId;
  name: string;
  url: string;
  username: string | null;
  /** The catalogue that comes with Cartable: it works with no connection. */
  bundled: boolean;
  auth: AuthDocument | null;
}

export interface FeedLink {
  title: string;
  href: string;
  rel: string | null;
  mediaType: string | null;
  count: number | null;
  /** For facets: the one applied to the list shown. */
  active: boolean;
}

export type AcquisitionKind = 'openAccess' | 'acquisition' | 'borrow' | 'buy' | 'sample' | 'subscribe';

export interface Price {
  value: string;
  currency: string | null;
}

export interface Acquisition {
  kind: AcquisitionKind;
  href: string;
  mediaType: string | null;
  indirect: string[];
  prices: Price[];
  /** Cartable can fetch this link and open what comes: a PDF or an EPUB, free, no DRM. */
  downloadable: boolean;
}

export interface Publication {
  id: string | null;
  title: string;
  authors: string[];
  summary: string | null;
  language: string | null;
  publisher: string | null;
  identifiers: string[];
  published: string | null;
  updated: string | null;
  subjects: string[];
  cover: string | null;
  thumbnail: string | null;
  acquisitions: Acquisition[];
  /** The complete entry, when this one is partial. */
  detail: string | null;
  selfUrl: string | null;
}

export interface FeedGroup {
  title: string;
  navigation: FeedLink[];
  publications: Publication[];
  href: string | null;
  numberOfItems: number | null;
}

export interface FacetGroup {
  title: string;
  facets: FeedLink[];
}

export type SearchLink = { kind: 'description'; href: string } | { kind: 'template'; template: { template: string } };

export interface Feed {
  version?: 'opds1' | 'opds2';
  title: string;
  id?: string | null;
  updated?: string | null;
  selfUrl?: string | null;
  numberOfItems?: number | null;
  navigation: FeedLink[];
  publications: Publication[];
  groups: FeedGroup[];
  facets: FacetGroup[];
  next: string | null;
  previous: string | null;
  first: string | null;
  last: string | null;
  up: string | null;
  start: string | null;
  search: SearchLink | null;
}

export interface FeedPage {
  catalog: CatalogId | null;
  /** The page's address (after redirects). */
  url: string;
  feed: Feed;
  /** No connection: the copy saved when the page was last seen. */
  offline: boolean;
  /** Unix milliseconds: when this copy was fetched. */
  fetchedAt: number;
}

export type DownloadId = number;
export type DownloadState = 'queued' | 'running' | 'paused' | 'failed' | 'done' | 'cancelled';

export interface DownloadRequest {
  url: string;
  catalog: CatalogId | null;
  entryId: string | null;
  entryUrl: string | null;
  title: string | null;
  /** The entry's `updated`, remembered to notice a new edition. */
  updated: string | null;
  expectedSize: number | null;
}

export interface DownloadView {
  id: DownloadId;
  url: string;
  title: string | null;
  state: DownloadState;
  bytes: number;
  total: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
  errorCode: string | null;
  error: string | null;
  /** The book it became, once done. */
  book: BookId | null;
  /** The edition it replaces (an update). */
  replaces: BookId | null;
}

/** A downloaded book whose catalogue entry has a newer edition. */
export interface Update {
  book: BookId;
  title: string;
  catalog: CatalogId | null;
  current: string | null;
  available: string | null;
  url: string;
  entryId: string | null;
  entryUrl: string | null;
}

// ----- profiles and annotations ------------------------------------------------------------

export type ProfileId = string;

/** One child (or grown-up) of the family: their own positions, settings and notes. */
export interface Profile {
  id: ProfileId;
  name: string;
  hasPin: boolean;
  /** `#rrggbb`, given by the shell. */
  color: string;
  createdAt: number;
}

export interface Quote {
  prefix: string;
  exact: string;
  suffix: string;
}

/** left, top, right, bottom: fractions of the page (0..1, origin top-left). */
export type QuadRect = [number, number, number, number];

export type Anchor =
  /** A text range on a PDF page: start/end are code point offsets in the page's text-layer text (the runs' `text` joined with no separator). */
  | { type: 'pdf'; page: number; label: string | null; start: number; end: number; quads: QuadRect[]; quote: Quote }
  /** A text range in an EPUB section (spine index), with its CFI range. */
  | { type: 'epub'; section: number; href: string; cfi: string; quote: Quote }
  /** A place: a page, or an EPUB location (loc = CFI); x/y for a note pinned at a point. */
  | { type: 'place'; page: number; loc: string; label: string | null; x: number | null; y: number | null };

export type AnnotationKind = 'bookmark' | 'highlight' | 'note' | 'ink';
export type HighlightColor = 'yellow' | 'green' | 'blue' | 'pink';
export type HighlightStyle = 'highlight' | 'underline';
export type InkTool = 'pen' | 'highlighter';

export interface Ink {
  tool: InkTool;
  /** `#rrggbb` */
  color: string;
  /** Fraction of the page width. */
  width: number;
  /** Fractions of the page. */
  points: [number, number][];
}

export interface Annotation {
  id: string;
  kind: AnnotationKind;
  book: BookId;
  anchor: Anchor;
  /** Highlight: a HighlightColor; note: optional. */
  color: string | null;
  style: HighlightStyle | null;
  /** Note body. */
  text: string | null;
  /** Bookmark label. */
  label: string | null;
  /** A note attached to this highlight id. */
  highlight: string | null;
  /** Ink strokes only (one record per stroke). */
  ink: Ink | null;
  createdAt: number;
  modifiedAt: number;
}

export interface NewAnnotation {
  kind: AnnotationKind;
  anchor: Anchor;
  color?: string | null;
  style?: HighlightStyle | null;
  text?: string | null;
  label?: string | null;
  highlight?: string | null;
  ink?: Ink | null;
}

export interface AnnotationChange {
  color?: string | null;
  style?: HighlightStyle | null;
  text?: string | null;
  label?: string | null;
}

export interface NoteHit {
  annotation: Annotation;
  title: string;
  /** HTML-escaped, with <mark>…</mark> around matches. */
  snippet: string;
}

export interface AnnotationsImport {
  placed: number;
  already: number;
  unplaced: { id: string; reason: string }[];
}

export type ExportFormat = 'w3c' | 'md' | 'pdf';
