// New editions of downloaded books: checked when the Catalogues view opens and when the window
// comes back online; the library shows a notice for each one not dismissed.
import * as api from './api';
import { toApiError } from './errors';
import { isNoConnection } from './catalog';
import { downloads } from './downloads.svelte';
import { load, store } from './settings.svelte';
import type { DownloadId, Update } from './types';

/** The key of an edition: the same book with a still newer edition asks again. */
export const updateKey = (u: Pick<Update, 'book' | 'available'>) => `${u.book}@${u.available ?? ''}`;

/** The updates the library shows: not dismissed, not already being downloaded. */
export function noticeFor(list: readonly Update[], dismissed: readonly string[], accepted: readonly string[]): Update[] {
  const hidden = new Set([...dismissed, ...accepted]);
  return list.filter((u) => !hidden.has(updateKey(u)));
}

class Updates {
  list = $state<Update[]>([]);
  checking = $state(false);
  dismissed = $state<string[]>(load<string[]>('dismissedUpdates', [], Array.isArray));
  accepted = $state<string[]>([]);
  #checks = 0;

  get shown(): Update[] {
    return noticeFor(this.list, this.dismissed, this.accepted);
  }

  /** Asks the shell; with no connection the last answer stays (nothing to say offline). */
  async check(): Promise<void> {
    const seq = ++this.#checks;
    this.checking = true;
    try {
      const found = await api.checkUpdates();
      if (seq === this.#checks) this.list = found;
    } catch (e) {
      // Offline is normal; other failures are not worth interrupting the pupil for either: the
      // next check tries again.
      if (!isNoConnection(toApiError(e).code)) console.warn('checking for new editions failed', e);
    } finally {
      if (seq === this.#checks) this.checking = false;
    }
  }

  /** Downloads the new edition; the old one stays readable until the new one is in. */
  async accept(u: Update): Promise<DownloadId> {
    const id = await api.acceptUpdate(u);
    this.accepted = [...this.accepted, updateKey(u)];
    await downloads.refresh();
    return id;
  }

  dismiss(u: Update): void {
    this.dismissed = [...this.dismissed.filter((k) => k !== updateKey(u)), updateKey(u)].slice(-200);
    store('dismissedUpdates', this.dismissed);
  }

  /** Checks again whenever the window comes back online. */
  listen(): () => void {
    const online = () => void this.check();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }
}

export const updates = new Updates();
