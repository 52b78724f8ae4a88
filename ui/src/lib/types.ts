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
}

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
