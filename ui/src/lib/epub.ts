// Giving foliate-js an EPUB without downloading the .epub: each file foliate asks for is fetched
// from the shell (`cartable://localhost/epub/{id}/{path}`), already sanitised there.
import type { FoliateLoader } from 'foliate-js/epub.js';
import { ApiError } from './errors';
import { epubUrl } from './urls';
import type { Section } from './types';

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Used for a section whose size is unknown: progress then counts sections evenly. */
export const UNKNOWN_SIZE = 4096;

async function failure(res: Response, name: string): Promise<ApiError> {
  let body: { code?: string; message?: string } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not JSON: the status says enough.
  }
  return new ApiError(body.code ?? 'EpubDamaged', body.message ?? `${name}: ${res.status} ${res.statusText}`);
}

/**
 * `sizes` are known before foliate asks (`getSize` must answer at once): from the spine's `size`
 * when the shell gives it, else from `Content-Length` of HEAD requests, else a stand-in (progress
 * then counts sections evenly). One HEAD probes first: WebKitGTK gives custom-scheme responses no
 * Content-Length, and each request costs the shell a read of the file, so a probe that comes back
 * without one stops the others.
 */
export async function sectionSizes(id: string, sections: readonly Section[], fetchFn: Fetch = fetch, timeoutMs = 2000): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const missing: string[] = [];
  for (const s of sections) {
    if (typeof s.size === 'number' && s.size > 0) sizes.set(s.href, s.size);
    else missing.push(s.href);
  }
  if (!missing.length) return sizes;
  const head = async (href: string): Promise<boolean> => {
    try {
      const res = await fetchFn(epubUrl(id, href), { method: 'HEAD' });
      const len = Number(res.headers.get('content-length'));
      if (res.ok && len > 0) {
        sizes.set(href, len);
        return true;
      }
    } catch {
      // Unknown: the stand-in is used.
    }
    return false;
  };
  const deadline = new Promise<void>((ok) => setTimeout(ok, timeoutMs));
  const work = (async () => {
    if (!(await head(missing[0]!))) return;
    let next = 1;
    const worker = async () => {
      while (next < missing.length) await head(missing[next++]!);
    };
    await Promise.all([worker(), worker(), worker()]);
  })();
  await Promise.race([work, deadline]);
  return sizes;
}

export function createLoader(id: string, sizes: Map<string, number>, fetchFn: Fetch = fetch): FoliateLoader {
  // Foliate reads a section's text more than once (to show it, to search it): keep a few.
  const texts = new Map<string, Promise<string | null>>();
  const LIMIT = 24;

  async function get(name: string): Promise<Response | null> {
    const res = await fetchFn(epubUrl(id, name));
    if (res.status === 404 || res.status === 410) return null;
    if (!res.ok) throw await failure(res, name);
    return res;
  }

  return {
    loadText(name) {
      const hit = texts.get(name);
      if (hit) return hit;
      const p = get(name).then((res) => (res ? res.text() : null));
      p.catch(() => texts.delete(name));
      texts.set(name, p);
      if (texts.size > LIMIT) texts.delete(texts.keys().next().value as string);
      return p;
    },
    async loadBlob(name) {
      const res = await get(name);
      return res ? res.blob() : null;
    },
    getSize(name) {
      return sizes.get(name) ?? UNKNOWN_SIZE;
    },
  };
}

export type EpubTheme = 'light' | 'sepia' | 'dark';

export interface EpubStyle {
  theme: EpubTheme;
  /** Percent of the book's own size. */
  fontScale: number;
  lineHeight: number;
}

export const THEME_COLORS: Record<EpubTheme, { bg: string; fg: string; link: string; line: string }> = {
  light: { bg: '#ffffff', fg: '#1d232a', link: '#1f5f8b', line: '#d9d4ca' },
  sepia: { bg: '#f4ecd8', fg: '#433422', link: '#7a4b12', line: '#d8c9a6' },
  dark: { bg: '#1b1e22', fg: '#dfe3e7', link: '#8ec5ff', line: '#3a4048' },
};

/** The style sheet foliate lays over a reflowable book's own. */
export function readerCss({ theme, fontScale, lineHeight }: EpubStyle): string {
  const c = THEME_COLORS[theme];
  const flatten =
    theme === 'light'
      ? ''
      : `body *:not(img):not(svg):not(svg *) { color: inherit !important; background-color: transparent !important; border-color: ${c.line} !important; }`;
  return `
@namespace epub "http://www.idpf.org/2007/ops";
html { color-scheme: ${theme === 'dark' ? 'dark' : 'light'}; font-size: ${fontScale}% !important; }
html, body { background: ${c.bg} !important; color: ${c.fg} !important; }
${flatten}
a:link, a:visited { color: ${c.link} !important; }
p, li, blockquote, dd, dt, td, th, figcaption { line-height: ${lineHeight} !important; }
img, svg, video { max-width: 100%; height: auto; }
${theme === 'dark' ? 'img { filter: brightness(0.9); }' : ''}
pre { white-space: pre-wrap !important; }
`;
}
