import type { BookId, Format } from './types';

/** Where to land when a book opens from a search hit. */
export interface HitTarget {
  index: number;
  label: string | null;
  query: string;
  snippet: string;
}

export type Route = { name: 'library' } | { name: 'reader'; id: BookId; format?: Format; hit?: HitTarget };

/** `#/read/<id>` keeps the open book across a reload of the window. */
export function routeToHash(route: Route): string {
  return route.name === 'reader' ? `#/read/${encodeURIComponent(route.id)}` : '#/';
}

export function hashToRoute(hash: string): Route {
  const m = /^#\/read\/([^/?#]+)/.exec(hash);
  return m ? { name: 'reader', id: decodeURIComponent(m[1]!) } : { name: 'library' };
}
