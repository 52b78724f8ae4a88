// URLs of the shell's `cartable` scheme: page images, covers, thumbnails and files inside EPUBs.

let base = 'cartable://localhost/';

/** `cartable://localhost/` on Linux and macOS; Windows' WebView2 serves custom schemes over http. */
export function tauriResourceBase(userAgent: string): string {
  return /Windows/i.test(userAgent) ? 'http://cartable.localhost/' : 'cartable://localhost/';
}

export function setResourceBase(b: string): void {
  base = b.endsWith('/') ? b : `${b}/`;
}

export function resourceBase(): string {
  return base;
}

const seg = (s: string | number) => encodeURIComponent(String(s));

/** Largest page image asked for; the core renders up to 4096. */
export const MAX_PAGE_WIDTH = 4000;
const STEP = 100;

/**
 * The image width to ask for a page shown `cssWidth` CSS pixels wide: device pixels rounded up
 * to a multiple of 100 and capped, so that nearby zoom levels share one cached image.
 */
export function pageWidthBucket(cssWidth: number, devicePixelRatio = 1): number {
  const px = Math.round(Math.max(1, cssWidth) * (devicePixelRatio > 0 ? devicePixelRatio : 1));
  return Math.min(MAX_PAGE_WIDTH, Math.max(STEP, Math.ceil(px / STEP) * STEP));
}

export function pageUrl(id: string, index: number, width: number): string {
  return `${base}page/${seg(id)}/${index}/${width}`;
}

export function coverUrl(id: string): string {
  return `${base}cover/${seg(id)}`;
}

export function thumbUrl(id: string, index: number): string {
  return `${base}thumb/${seg(id)}/${index}`;
}

/** A file inside an EPUB, by its path in the archive (each segment encoded, slashes kept). */
export function epubUrl(id: string, path: string): string {
  const clean = path.replace(/^\/+/, '');
  return `${base}epub/${seg(id)}/${clean.split('/').map(seg).join('/')}`;
}

/**
 * A catalogue's cover, thumbnail or logo, through the shell (the page may load no remote image;
 * the shell keeps what it fetched, so that covers show offline). `catalog` is the catalogue whose
 * credentials the request needs, or null (`-`) for an image of a catalogue not added yet.
 */
export function catalogImageUrl(catalog: number | null, url: string): string {
  return `${base}catalog-image/${catalog === null ? '-' : seg(catalog)}/${encodeURIComponent(url)}`;
}
