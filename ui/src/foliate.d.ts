// The parts of foliate-js (plain JavaScript) that Cartable uses.

declare module 'foliate-js/epub.js' {
  export interface FoliateLoader {
    loadText(name: string): Promise<string | null> | string | null;
    loadBlob(name: string, type?: string): Promise<Blob | null> | Blob | null;
    getSize(name: string): number;
    sha1?: (s: string) => Promise<Uint8Array>;
  }
  export interface FoliateSection {
    id: string;
    linear?: string;
    size: number;
    cfi?: string;
    pageSpread?: string;
  }
  export interface FoliateNavItem {
    label: string;
    href: string;
    subitems?: FoliateNavItem[];
  }
  export class EPUB {
    constructor(loader: FoliateLoader);
    init(): Promise<EPUB>;
    sections: FoliateSection[];
    toc?: FoliateNavItem[];
    pageList?: FoliateNavItem[];
    rendition?: { layout?: string; spread?: string };
    metadata?: { language?: string; title?: string };
    dir?: string;
    destroy(): void;
  }
}

declare module 'foliate-js/view.js' {
  export {};
}

declare module 'foliate-js/overlayer.js' {
  type Draw = (rects: DOMRectList | DOMRect[], options?: Record<string, unknown>) => SVGElement;
  export class Overlayer {
    static highlight: Draw;
    static underline: Draw;
  }
}

declare module 'foliate-js/epubcfi.js' {
  export function collapse(cfi: string, toEnd?: boolean): string;
  export function compare(a: string, b: string): number;
}

interface FoliateDrawAnnotation {
  draw: (func: unknown, opts?: Record<string, unknown>) => void;
  annotation: { value: string };
  doc: Document;
  range: Range;
}

interface FoliateRelocate {
  cfi: string;
  fraction?: number;
  index?: number;
  section?: { current: number; total: number };
  location?: { current: number; next: number; total: number };
  tocItem?: { label: string; href: string } | null;
  pageItem?: { label: string; href: string } | null;
  reason?: string;
}

interface FoliateRenderer extends HTMLElement {
  setStyles?(css: string | [string, string]): void;
  next(): Promise<void>;
  prev(): Promise<void>;
  goTo(target: unknown): Promise<void>;
  /** The documents shown; FixedLayout gives `doc` only (no index, and a blank half of a spread too). */
  getContents(): { doc: Document; index?: number }[];
  focusView?(): void;
}

interface FoliateSearchItem {
  cfi?: string;
  excerpt?: { pre: string; match: string; post: string };
  progress?: number;
  subitems?: { cfi: string }[];
}

interface FoliateView extends HTMLElement {
  book: import('foliate-js/epub.js').EPUB;
  renderer: FoliateRenderer;
  isFixedLayout: boolean;
  lastLocation: FoliateRelocate | null;
  open(book: unknown): Promise<void>;
  close(): void;
  init(opts: { lastLocation?: string | null; showTextStart?: boolean }): Promise<void>;
  goTo(target: string | number): Promise<unknown>;
  goToFraction(f: number): Promise<void>;
  goLeft(): Promise<void>;
  goRight(): Promise<void>;
  prev(distance?: number): Promise<void>;
  next(distance?: number): Promise<void>;
  search(opts: { query: string; index?: number; matchCase?: boolean; matchDiacritics?: boolean; matchWholeWords?: boolean }): AsyncGenerator<FoliateSearchItem | 'done'>;
  clearSearch(): void;
  deselect(): void;
  addAnnotation(annotation: { value: string }, remove?: boolean): Promise<{ index: number; label: string } | undefined>;
  deleteAnnotation(annotation: { value: string }): Promise<unknown>;
  getCFI(index: number, range?: Range): string;
  /** The section of a CFI and how to find it in that section's document (a Range, or an Element). */
  resolveCFI(cfi: string): { index: number; anchor: (doc: Document) => Range | Element | null };
}

interface HTMLElementTagNameMap {
  'foliate-view': FoliateView;
}
