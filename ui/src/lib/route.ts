import type { Anchor, BookId, Format } from './types';

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
  | { name: 'notes' }
  | { name: 'reader'; id: BookId; format?: Format; hit?: HitTarget; /** Open at an annotation (from "my notes"). */ at?: Anchor };

/** `#/read/<id>` keeps the open book across a reload of the window; `#/catalogues` the catalogues; `#/notes` "my notes". */
export function routeToHash(route: Route): string {
  if (route.name === 'reader') return `#/read/${encodeURIComponent(route.id)}`;
  if (route.name === 'notes') return '#/notes';
  return route.name === 'catalogs' ? '#/catalogues' : '#/';
}

export function hashToRoute(hash: string): Route {
  if (/^#\/catalogues\/?$/.test(hash)) return { name: 'catalogs' };
  if (/^#\/notes\/?$/.test(hash)) return { name: 'notes' };
  const m = /^#\/read\/([^/?#]+)/.exec(hash);
  return m ? { name: 'reader', id: decodeURIComponent(m[1]!) } : { name: 'library' };
}
