import type { BookId, Format } from './types';

/** Where to land when a book opens from a search hit. */
export interface HitTarget {
  index: number;
  label: string | null;
  query: string;
  snippet: string;
}

export type Route =
  | { name: 'library' }
  | { name: 'catalogs' }
  | { name: 'reader'; id: BookId; format?: Format; hit?: HitTarget };

/** `#/read/<id>` keeps the open book across a reload of the window; `#/catalogues` the catalogues. */
export function routeToHash(route: Route): string {
  if (route.name === 'reader') return `#/read/${encodeURIComponent(route.id)}`;
  return route.name === 'catalogs' ? '#/catalogues' : '#/';
}

export function hashToRoute(hash: string): Route {
  if (/^#\/catalogues\/?$/.test(hash)) return { name: 'catalogs' };
  const m = /^#\/read\/([^/?#]+)/.exec(hash);
  return m ? { name: 'reader', id: decodeURIComponent(m[1]!) } : { name: 'library' };
}
