// Sorting and filtering the library list, and the "continue reading" row.
import { remembered } from './memo';
import { fold } from './text';
import type { Format, ShelfBook } from './types';

export type SortKey = 'title' | 'author' | 'opened' | 'added';
export const SORT_KEYS: SortKey[] = ['opened', 'added', 'title', 'author'];
export type FormatFilter = 'all' | Format;

// One collator per language, kept: building one loads the language's ICU collation rules.
const collators = new Map<string, Intl.Collator>();
function collator(lang: string): Intl.Collator {
  return remembered(collators, lang, () => new Intl.Collator(lang, { sensitivity: 'base', numeric: true }));
}

export function sortBooks(books: readonly ShelfBook[], key: SortKey, lang = 'fr'): ShelfBook[] {
  const c = collator(lang);
  const byTitle = (a: ShelfBook, b: ShelfBook) => c.compare(a.title, b.title) || a.id.localeCompare(b.id);
  const list = [...books];
  switch (key) {
    case 'title':
      return list.sort(byTitle);
    case 'author':
      // Books without an author go last; the same author keeps its books in title order.
      return list.sort((a, b) => {
        const [x, y] = [a.authors[0], b.authors[0]];
        if (x === undefined || y === undefined) return x === y ? byTitle(a, b) : x === undefined ? 1 : -1;
        return c.compare(x, y) || byTitle(a, b);
      });
    case 'opened':
      // Most recently opened first; never opened books after them, newest added first.
      return list.sort((a, b) => {
        if (a.openedAt !== b.openedAt) {
          if (a.openedAt === null) return 1;
          if (b.openedAt === null) return -1;
          return b.openedAt - a.openedAt;
        }
        return b.addedAt - a.addedAt || byTitle(a, b);
      });
    case 'added':
      return list.sort((a, b) => b.addedAt - a.addedAt || byTitle(a, b));
  }
}

/** Every word typed must appear in the title or an author; case and accents do not matter. */
export function filterBooks(books: readonly ShelfBook[], text: string, format: FormatFilter = 'all'): ShelfBook[] {
  const words = fold(text).split(/\s+/).filter(Boolean);
  return books.filter((b) => {
    if (format !== 'all' && b.format !== format) return false;
    if (!words.length) return true;
    const hay = fold([b.title, ...b.authors].join(' '));
    return words.every((w) => hay.includes(w));
  });
}

/** The books opened most recently, newest first, that are on this computer. */
export function continueReading(books: readonly ShelfBook[], count = 4): ShelfBook[] {
  return books
    .filter((b) => b.openedAt !== null && b.available)
    .sort((a, b) => (b.openedAt ?? 0) - (a.openedAt ?? 0))
    .slice(0, count);
}
