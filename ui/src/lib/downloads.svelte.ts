// The download queue as the window sees it: the shell's list, kept up to date by its
// `download-progress` events; a finished download bumps `generation` so that the library
// reloads, and is remembered (acquisition address → book) to say "in my library" later.
import * as api from './api';
import { knownFromShelf, rememberDownloads, type KnownBooks } from './catalog';
import { notify } from './toast.svelte';
import { t } from '../i18n/index.svelte';
import type { DownloadId, DownloadRequest, DownloadView, ShelfBook } from './types';

/** The speed caps offered for a weak connection (bytes per second); null: no cap. */
export const BANDWIDTHS: (number | null)[] = [null, 100_000, 500_000, 2_000_000];

const ACTIVE = new Set(['queued', 'running', 'paused']);

class Downloads {
  items = $state<DownloadView[]>([]);
  /** The downloads panel is open. */
  open = $state(false);
  /** Bumped when a download finished: a book arrived in the library. */
  generation = $state(0);
  /** Acquisition address → the book it became: from the library's books, and from the
   * downloads finished since (kept across `clear_downloads`). */
  known = $state<KnownBooks>({});
  /** The speed cap the library applies (it remembers it; read at start). */
  bandwidth = $state<number | null>(null);

  #unlisten: api.Unlisten | null = null;
  #started = false;
  /** Downloads asked for in this window, so that one already done when first listed still counts as new. */
  #asked = new Set<DownloadId>();

  /** Downloads that are not over (the header badge). */
  get active(): number {
    return this.items.filter((d) => ACTIVE.has(d.state)).length;
  }

  get failed(): number {
    return this.items.filter((d) => d.state === 'failed').length;
  }

  get finished(): number {
    return this.items.filter((d) => d.state === 'done' || d.state === 'cancelled').length;
  }

  /** Listens to the shell and loads the list; once per window. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#unlisten = await api.onDownloadProgress((d) => this.apply(d));
    // The cap only fills the panel's choice: the list works without it.
    this.bandwidth = await api.getBandwidth().catch(() => null);
    await this.refresh();
  }

  stop(): void {
    this.#unlisten?.();
    this.#unlisten = null;
    this.#started = false;
  }

  async refresh(): Promise<void> {
    const list = await api.listDownloads();
    const before = new Map(this.items.map((d) => [d.id, d.state]));
    this.items = list;
    this.#remember(list);
    for (const d of list) {
      const was = before.get(d.id) ?? (this.#asked.has(d.id) ? 'queued' : 'done');
      if (d.state === 'done' && was !== 'done') this.#arrived(d);
    }
  }

  /** One event of the shell: the download's new state. */
  apply(d: DownloadView): void {
    const i = this.items.findIndex((x) => x.id === d.id);
    const was = i >= 0 ? this.items[i]!.state : null;
    if (i >= 0) this.items[i] = d;
    else this.items = [d, ...this.items];
    if (d.state === 'done' && was !== 'done') {
      this.#remember([d]);
      this.#arrived(d);
    }
  }

  /** A download finished in this window: the library reloads, the pupil is told. */
  #arrived(d: DownloadView): void {
    this.#asked.delete(d.id);
    this.generation++;
    notify(t('downloads.done', { title: d.title ?? d.url.split('/').pop() ?? '' }));
  }

  #remember(list: readonly DownloadView[]): void {
    const next = rememberDownloads(this.known, list);
    if (next !== this.known) this.known = next;
  }

  /** Learns which catalogue addresses the library's books came from (each book says). */
  learnShelf(books: readonly ShelfBook[]): void {
    const next = knownFromShelf(this.known, books);
    if (next !== this.known) this.known = next;
  }

  async download(request: DownloadRequest): Promise<DownloadId> {
    const id = await api.startDownload(request);
    this.#asked.add(id);
    await this.refresh();
    return id;
  }

  async pause(id: DownloadId): Promise<void> {
    await api.pauseDownload(id);
    await this.refresh();
  }

  /** Resumes a paused download, or tries a failed one again from where it stopped. */
  async resume(id: DownloadId): Promise<void> {
    this.#asked.add(id);
    await api.resumeDownload(id);
    await this.refresh();
  }

  async cancel(id: DownloadId): Promise<void> {
    await api.cancelDownload(id);
    await this.refresh();
  }

  async clear(): Promise<void> {
    await api.clearDownloads();
    await this.refresh();
  }

  async setBandwidth(bytesPerSecond: number | null): Promise<void> {
    await api.setBandwidth(bytesPerSecond);
    this.bandwidth = await api.getBandwidth();
  }
}

export const downloads = new Downloads();
