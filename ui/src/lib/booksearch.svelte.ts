// The state of a search inside one book: the toolbar field writes the query, the side panel
// lists the hits. `find` is the format's own way to search (the `search` command, sorted by page).
import type { Hit } from './types';
import { errorText } from './messages';

export class BookSearch {
  query = $state('');
  hits = $state<Hit[] | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);
  searchedFor = $state('');
  selected = $state(-1);
  #find: (query: string) => Promise<Hit[]>;
  #seq = 0;

  constructor(find: (query: string) => Promise<Hit[]>, initial = '') {
    this.#find = find;
    this.query = initial;
  }

  /** Runs the search for the current query; the last one started wins. */
  async run(): Promise<void> {
    const q = this.query.trim();
    const seq = ++this.#seq;
    this.selected = -1;
    if (!q) {
      this.hits = null;
      this.error = null;
      this.searchedFor = '';
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      const hits = await this.#find(q);
      if (seq !== this.#seq) return;
      this.hits = hits;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.hits = [];
      this.error = errorText(e);
    } finally {
      if (seq === this.#seq) {
        this.busy = false;
        this.searchedFor = q;
      }
    }
  }
}
