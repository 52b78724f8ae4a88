// The download queue as the window keeps it, and new editions: progress events update the
// list, a finished download makes the library reload and is remembered, updates are shown
// until accepted or dismissed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloads } from '../src/lib/downloads.svelte';
import { noticeFor, updateKey, updates } from '../src/lib/updates.svelte';
import type { DownloadView, Update } from '../src/lib/types';
import { download } from './fixtures/catalog';
import { fakeShell, settle } from './fixtures/shell';

const book = 'b'.repeat(64);

function update(patch: Partial<Update> = {}): Update {
  return {
    book,
    title: 'Voyage au centre de la Terre',
    catalog: 4,
    current: '2026-01-10T08:00:00Z',
    available: '2026-11-01T08:00:00Z',
    url: 'https://cat.example/0.epub',
    entryId: 'urn:test:0',
    entryUrl: 'https://cat.example/list',
    ...patch,
  };
}

beforeEach(() => {
  localStorage.clear();
  downloads.stop();
  downloads.items = [];
  downloads.known = {};
});

afterEach(() => downloads.stop());

describe('the download list', () => {
  it('follows the shell’s progress events and counts what is not over', async () => {
    let list: DownloadView[] = [download({ id: 1, state: 'queued' }), download({ id: 2, state: 'failed', url: 'https://cat.example/x.pdf' })];
    const shell = fakeShell({ list_downloads: () => list });
    await downloads.start();
    expect(downloads.items.map((d) => d.state)).toEqual(['queued', 'failed']);
    expect([downloads.active, downloads.failed]).toEqual([1, 1]);

    shell.emit('download-progress', download({ id: 1, state: 'running', bytes: 500, total: 1000, bytesPerSecond: 100, etaSeconds: 5 }));
    expect(downloads.items[0]).toMatchObject({ state: 'running', bytes: 500 });
    list = [];
  });

  it('reloads the library once, and remembers the book, when a download finishes', async () => {
    const shell = fakeShell({ list_downloads: () => [download({ id: 1, state: 'running' })] });
    await downloads.start();
    const before = downloads.generation;
    shell.emit('download-progress', download({ id: 1, state: 'done', book }));
    shell.emit('download-progress', download({ id: 1, state: 'done', book }));
    expect(downloads.generation, 'one arrival, one reload').toBe(before + 1);
    expect(downloads.known['https://cat.example/b.epub']).toBe(book);
  });

  it('counts a download that was already done when the list came back (a bundled book is instant)', async () => {
    let list: DownloadView[] = [];
    fakeShell({
      list_downloads: () => list,
      start_download: () => {
        list = [download({ id: 7, state: 'done', book })];
        return 7;
      },
    });
    await downloads.start();
    const before = downloads.generation;
    await downloads.download({ url: 'bundled://cartable/b.epub', catalog: 1, entryId: null, entryUrl: null, title: null, updated: null, expectedSize: null });
    expect(downloads.generation).toBe(before + 1);
  });

  it('does not count old finished downloads listed at start-up as new arrivals', async () => {
    fakeShell({ list_downloads: () => [download({ id: 3, state: 'done', book })] });
    const before = downloads.generation;
    await downloads.start();
    expect(downloads.generation).toBe(before);
    expect(downloads.known['https://cat.example/b.epub'], 'but the book is known').toBe(book);
  });

  it('shows the speed cap the library remembers', async () => {
    fakeShell({ list_downloads: () => [], get_bandwidth: () => 100_000 });
    await downloads.start();
    expect(downloads.bandwidth).toBe(100_000);
  });

  it('sends pause, resume, cancel and the speed cap to the shell, then reloads the list', async () => {
    let cap: number | null = null;
    const shell = fakeShell({
      list_downloads: () => [],
      pause_download: () => undefined,
      resume_download: () => undefined,
      cancel_download: () => undefined,
      clear_downloads: () => 2,
      get_bandwidth: () => cap,
      set_bandwidth: (a) => {
        cap = a.bytesPerSecond as number | null;
      },
    });
    await downloads.pause(4);
    await downloads.resume(4);
    await downloads.cancel(4);
    await downloads.clear();
    await downloads.setBandwidth(500_000);
    expect(shell.invoke.mock.calls.map(([c, a]) => [c, a])).toEqual([
      ['pause_download', { id: 4 }],
      ['list_downloads', undefined],
      ['resume_download', { id: 4 }],
      ['list_downloads', undefined],
      ['cancel_download', { id: 4 }],
      ['list_downloads', undefined],
      ['clear_downloads', undefined],
      ['list_downloads', undefined],
      ['set_bandwidth', { bytesPerSecond: 500_000 }],
      ['get_bandwidth', undefined],
    ]);
    expect(downloads.bandwidth).toBe(500_000);
    await downloads.setBandwidth(null);
    expect(shell.calls('set_bandwidth').at(-1), 'off lifts the cap').toEqual({ bytesPerSecond: null });
  });
});

describe('new editions', () => {
  beforeEach(() => {
    updates.list = [];
    updates.dismissed = [];
    updates.accepted = [];
  });

  it('shows an edition until it is dismissed or accepted; a still newer one asks again', () => {
    const u = update();
    expect(noticeFor([u], [], [])).toEqual([u]);
    expect(noticeFor([u], [updateKey(u)], [])).toEqual([]);
    expect(noticeFor([u], [], [updateKey(u)])).toEqual([]);
    const newer = update({ available: '2027-01-01T00:00:00Z' });
    expect(noticeFor([newer], [updateKey(u)], [])).toEqual([newer]);
  });

  it('checks with the shell, and keeps the last answer when there is no connection', async () => {
    let offline = false;
    fakeShell({
      check_updates: () => {
        if (offline) throw { code: 'Offline', message: 'no connection' };
        return [update()];
      },
    });
    await updates.check();
    expect(updates.shown).toHaveLength(1);
    offline = true;
    await updates.check();
    expect(updates.shown, 'offline says nothing new, and hides nothing').toHaveLength(1);
    expect(updates.checking).toBe(false);
  });

  it('checks again when the window comes back online', async () => {
    const shell = fakeShell({ check_updates: () => [] });
    const stop = updates.listen();
    window.dispatchEvent(new Event('online'));
    await settle();
    stop();
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(shell.calls('check_updates')).toHaveLength(1);
  });

  it('accepting downloads the new edition (the shell keeps the old one until it is in)', async () => {
    const shell = fakeShell({ check_updates: () => [update()], accept_update: () => 9, list_downloads: () => [] });
    await updates.check();
    await updates.accept(updates.shown[0]!);
    expect(shell.calls('accept_update')).toEqual([{ update: update() }]);
    expect(updates.shown).toEqual([]);
  });

  it('remembers a dismissal across restarts', () => {
    updates.dismiss(update());
    expect(JSON.parse(localStorage.getItem('cartable.dismissedUpdates')!)).toEqual([updateKey(update())]);
  });
});
