// The Catalogues view, the downloads panel and the library's new-edition notice, mounted in
// jsdom against a fake shell: the test hooks are there, nothing is faked (a loan stays a loan),
// signing in shows what the catalogue asked, removing and cancelling ask first.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Catalogs from '../src/components/Catalogs.svelte';
import { forgetTrails } from '../src/components/CatalogBrowser.svelte';
import DownloadsPanel from '../src/components/DownloadsPanel.svelte';
import Library from '../src/components/Library.svelte';
import { downloads } from '../src/lib/downloads.svelte';
import { updates } from '../src/lib/updates.svelte';
import { setLang } from '../src/i18n/index.svelte';
import type { Catalog, FeedPage, ShelfBook } from '../src/lib/types';
import { acq, download, feedPage, pub } from './fixtures/catalog';
import { $, $$, fakeShell, settle, type } from './fixtures/shell';

const bundled: Catalog = { id: 1, name: 'Cartable', url: 'bundled://cartable/catalogue.xml', username: null, bundled: true, auth: null };
const school: Catalog = { id: 2, name: 'CDI', url: 'https://cdi.example/opds', username: null, bundled: false, auth: null };
const bookId = 'c'.repeat(64);

const authDoc = {
  id: 'https://ent.example/auth',
  title: 'ENT du collège',
  description: null,
  logo: 'https://ent.example/logo.png',
  register: null,
  help: [],
  flows: [{ kind: 'basic', labels: { login: 'Identifiant ENT', password: 'Code' } }],
};

function shelfBook(id: string): ShelfBook {
  return { id, title: 'x', authors: [], format: 'epub', layout: 'reflowable', pages: null, sections: 3, language: 'fr', fileSize: 1, addedAt: 1, openedAt: null, progress: null, available: true, source: { kind: 'file', path: '' } };
}

const rootPage = (): FeedPage =>
  feedPage(
    { catalog: 1, url: 'bundled://cartable/catalogue.xml' },
    {
      title: 'Cartable — manuels libres',
      navigation: [{ title: 'Sciences', href: 'bundled://cartable/sciences.xml', rel: null, mediaType: 'application/atom+xml', count: 4, active: false }],
      publications: [
        pub({ id: 'urn:a', title: 'Mathématiques', cover: 'https://img.example/a.png', acquisitions: [acq({ href: 'bundled://cartable/maths.pdf', mediaType: 'application/pdf' })] }),
        pub({ id: 'urn:b', title: 'Histoire', acquisitions: [acq({ kind: 'borrow', href: 'https://lib.example/borrow', downloadable: false })] }),
        pub({ id: 'urn:c', title: 'Sciences', acquisitions: [acq({ href: 'bundled://cartable/sciences.epub' })] }),
      ],
      facets: [{ title: 'Trier', facets: [{ title: 'Nouveautés', href: 'bundled://new', rel: null, mediaType: null, count: null, active: true }, { title: 'A à Z', href: 'bundled://az', rel: null, mediaType: null, count: 12, active: false }] }],
      next: 'bundled://cartable/catalogue.xml?page=2',
      search: { kind: 'template', template: { template: '/search{?query}' } },
    },
  );

let app: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  localStorage.clear();
  forgetTrails();
  setLang('fr');
  downloads.stop();
  downloads.items = [];
  downloads.known = {};
  downloads.open = false;
  updates.list = [];
  updates.dismissed = [];
  updates.accepted = [];
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
});

function catalogShell(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return fakeShell({
    list_catalogs: () => [school, bundled],
    list_books: () => [shelfBook(bookId)],
    list_downloads: () => [],
    check_updates: () => [],
    browse_catalog: () => rootPage(),
    ...extra,
  });
}

describe('Catalogues view', () => {
  it('lists the catalogues, the bundled one first and selected, and browses its first page', async () => {
    const shell = catalogShell();
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    expect($$('catalog-item').map((e) => e.dataset.catalogId)).toEqual(['1', '2']);
    expect($('catalog-remove', $$('catalog-item')[0]), 'the bundled catalogue cannot be removed').toBeNull();
    expect(shell.calls('browse_catalog')[0]).toEqual({ catalog: 1 });
    expect(shell.calls('check_updates'), 'opening the view checks for new editions').toHaveLength(1);
    expect($$('catalog-publication')).toHaveLength(3);
    for (const id of ['catalog-url-input', 'catalog-name-input', 'catalog-add-button', 'catalog-search-input', 'catalog-next', 'catalog-prev', 'catalogs-back', 'downloads-button'])
      expect($(id), id).not.toBeNull();
    expect($('catalog-offline'), 'a fresh page has no offline banner').toBeNull();
  });

  it('shows covers through the shell, and a loan as a loan (not clickable, with the reason)', async () => {
    catalogShell();
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    const img = $$('catalog-publication')[0]!.querySelector('img')!;
    expect(img.getAttribute('src')).toBe('cartable://localhost/catalog-image/1/https%3A%2F%2Fimg.example%2Fa.png');
    const loan = $('catalog-acquisition', $$('catalog-publication')[1]!)!;
    expect(loan.dataset.kind).toBe('borrow');
    expect(loan.getAttribute('aria-disabled')).toBe('true');
    expect(loan.getAttribute('title')).toMatch(/emprunter sur le site du catalogue/);
    expect($('catalog-download', $$('catalog-publication')[1]!)).toBeNull();
  });

  it('downloads with the entry’s id and page, and then says "in my library" with an Open button', async () => {
    const shell = catalogShell({
      start_download: () => 5,
      list_downloads: () => (shell.calls('start_download').length ? [download({ id: 5, url: 'bundled://cartable/maths.pdf', state: 'done', book: bookId })] : []),
    });
    let opened = '';
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: (id: string) => (opened = id) } });
    await settle();
    const card = () => $$('catalog-publication')[0]!;
    $('catalog-download', card())!.click();
    await settle();
    expect(shell.calls('start_download')[0]).toEqual({
      request: { url: 'bundled://cartable/maths.pdf', catalog: 1, entryId: 'urn:a', entryUrl: 'bundled://cartable/catalogue.xml', title: 'Mathématiques', updated: '2026-01-10T08:00:00Z', expectedSize: null },
    });
    expect(card().dataset.inLibrary).toBe('true');
    expect($('catalog-in-library', card())?.textContent).toMatch(/Dans ma bibliothèque/);
    $('catalog-open', card())!.click();
    expect(opened).toBe(bookId);
    expect($('catalog-in-library', $$('catalog-publication')[2]!), 'the same title elsewhere is not enough').toBeNull();
  });

  it('follows links, pages and facets, and goes back along the trail', async () => {
    const shell = catalogShell();
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    $('catalog-nav-link')!.click();
    await settle();
    expect(shell.calls('browse_catalog').at(-1)).toEqual({ catalog: 1, url: 'bundled://cartable/sciences.xml' });
    $('catalog-next')!.click();
    await settle();
    expect(shell.calls('browse_catalog').at(-1)).toEqual({ catalog: 1, url: 'bundled://cartable/catalogue.xml?page=2' });
    const facets = $$('catalog-facet');
    expect(facets.map((f) => f.getAttribute('aria-pressed'))).toEqual(['true', 'false']);
    facets[1]!.click();
    await settle();
    expect(shell.calls('browse_catalog').at(-1)).toEqual({ catalog: 1, url: 'bundled://az' });
    expect($$('catalog-crumb').map((c) => c.textContent)).toEqual(['Cartable']);
    $('catalog-back')!.click();
    await settle();
    expect(shell.calls('browse_catalog').at(-1), 'back to the first page').toEqual({ catalog: 1 });
  });

  it('searches the catalogue when it can be searched', async () => {
    const shell = catalogShell({ search_catalog: () => feedPage({ catalog: 1 }, { title: 'Recherche' }) });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    type($('catalog-search-input'), 'eau');
    $('catalog-search-input')!.closest('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(shell.calls('search_catalog')).toEqual([{ catalog: 1, query: 'eau' }]);
    expect($('catalog-empty')?.textContent).toMatch(/« eau »/);
  });

  it('has no search field for a catalogue without search', async () => {
    catalogShell({ browse_catalog: () => feedPage({ catalog: 1 }, { publications: [pub()] }) });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    expect($('catalog-search-input')).toBeNull();
  });

  it('shows the offline banner with the date of the saved copy', async () => {
    catalogShell({ browse_catalog: () => ({ ...rootPage(), offline: true }) });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    expect($('catalog-offline')?.textContent).toMatch(/Hors ligne : tu vois la dernière version enregistrée \(27 nov\. 2026/);
  });

  it('says there is no connection and nothing saved for a page never seen', async () => {
    catalogShell({
      browse_catalog: () => {
        throw { code: 'Offline', message: 'could not reach' };
      },
    });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    expect($('catalog-error')?.dataset.code).toBe('Offline');
    expect($('catalog-error')?.textContent).toMatch(/Pas de connexion/);
    expect($('catalog-error')?.textContent).toMatch(/rien n’est enregistré/);
    expect($('catalog-retry')).not.toBeNull();
  });

  it('fetches the page again by itself when the window comes back online', async () => {
    let offline = true;
    catalogShell({
      browse_catalog: () => ({ ...rootPage(), offline }),
    });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    expect($('catalog-offline')).not.toBeNull();
    offline = false;
    window.dispatchEvent(new Event('online'));
    await settle();
    expect($('catalog-offline')).toBeNull();
  });

  it('opens the details of an entry, fetching the complete entry when the list gave a partial one', async () => {
    const partial = pub({ id: 'urn:d', title: 'Géographie', summary: 'Court.', detail: 'https://cdi.example/entry/d' });
    const full = pub({ id: 'urn:d', title: 'Géographie', summary: 'Le résumé complet.', identifiers: ['urn:isbn:9782010000000'], language: 'fr', publisher: 'Éditions Test' });
    const shell = catalogShell({
      browse_catalog: (a) => (a.url === 'https://cdi.example/entry/d' ? feedPage({}, { publications: [full] }) : feedPage({ catalog: 1 }, { publications: [partial] })),
    });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    $('catalog-entry-open')!.click();
    await settle();
    const entry = $('catalog-entry')!;
    expect(entry.getAttribute('role')).toBe('dialog');
    expect(shell.calls('browse_catalog').at(-1)).toEqual({ catalog: 1, url: 'https://cdi.example/entry/d' });
    expect(entry.textContent).toContain('Le résumé complet.');
    expect(entry.textContent).toContain('urn:isbn:9782010000000');
    expect(entry.textContent).toContain('Éditions Test');
    expect(entry.textContent).toContain('français');
  });

  it('asks to sign in with the catalogue’s own words and logo, then adds it with the credentials', async () => {
    let tries = 0;
    const shell = catalogShell({
      add_catalog: (a) => {
        tries++;
        if (!a.username) throw { code: 'SignInRequired', message: 'sign in', details: authDoc };
        if (a.password !== 'bon') throw { code: 'WrongCredentials', message: 'refused', details: authDoc };
        return school;
      },
    });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    type($('catalog-url-input'), 'https://cdi.example/opds');
    type($('catalog-name-input'), 'CDI');
    $('catalog-add-button')!.click();
    await settle();
    const dialog = $('signin-dialog')!;
    expect(dialog.textContent).toContain('ENT du collège');
    expect(dialog.textContent).toContain('Identifiant ENT');
    expect(dialog.textContent).toContain('Code');
    expect(dialog.querySelector('img')?.getAttribute('src')).toBe('cartable://localhost/catalog-image/-/https%3A%2F%2Fent.example%2Flogo.png');

    type($('signin-username'), 'eleve');
    type($('signin-password'), 'faux');
    $('signin-submit')!.click();
    await settle();
    expect($('signin-wrong')?.textContent).toMatch(/refusé/);
    expect(($('signin-username') as HTMLInputElement).value, 'the user name stays').toBe('eleve');

    type($('signin-password'), 'bon');
    $('signin-submit')!.click();
    await settle();
    expect(shell.calls('add_catalog').at(-1)).toEqual({ url: 'https://cdi.example/opds', name: 'CDI', username: 'eleve', password: 'bon' });
    expect(tries).toBe(3);
    expect($('signin-dialog')).toBeNull();
  });

  it('translates a refused address with advice', async () => {
    catalogShell({
      add_catalog: () => {
        throw { code: 'InvalidAddress', message: 'not a catalogue address' };
      },
    });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    type($('catalog-url-input'), 'file:///etc');
    $('catalog-add-button')!.click();
    await settle();
    expect($('catalog-add-error')?.dataset.code).toBe('InvalidAddress');
    expect($('catalog-add-error')?.textContent).toMatch(/https:\/\//);
  });

  it('renames in place and removes only after asking', async () => {
    const shell = catalogShell({ rename_catalog: () => undefined, remove_catalog: () => undefined });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    const cdi = $$('catalog-item')[1]!;
    $('catalog-rename', cdi)!.click();
    flushSync();
    type($('catalog-rename-input'), 'CDI du collège');
    $('catalog-rename-save')!.click();
    await settle();
    expect(shell.calls('rename_catalog')).toEqual([{ id: 2, name: 'CDI du collège' }]);

    $('catalog-remove', $$('catalog-item')[1]!)!.click();
    flushSync();
    expect($('confirm-dialog')?.textContent).toContain('CDI');
    expect(shell.calls('remove_catalog')).toEqual([]);
    $('confirm-ok')!.click();
    await settle();
    expect(shell.calls('remove_catalog')).toEqual([{ id: 2 }]);
  });

  it('asks to sign in again when a known catalogue refuses, then browses', async () => {
    let signedIn = false;
    const shell = catalogShell({
      list_catalogs: () => [school],
      browse_catalog: () => {
        if (!signedIn) throw { code: 'SignInRequired', message: 'sign in', details: authDoc };
        return feedPage({ catalog: 2 }, { publications: [pub()] });
      },
      sign_in: () => {
        signedIn = true;
      },
    });
    app = mount(Catalogs, { target: document.body, props: { onback: () => {}, onopen: () => {} } });
    await settle();
    expect($('signin-dialog')).not.toBeNull();
    type($('signin-username'), 'eleve');
    type($('signin-password'), '1234');
    $('signin-submit')!.click();
    await settle();
    expect(shell.calls('sign_in')).toEqual([{ id: 2, username: 'eleve', password: '1234' }]);
    expect($('signin-dialog')).toBeNull();
    expect($$('catalog-publication')).toHaveLength(1);
  });
});

describe('downloads panel', () => {
  async function open(list: ReturnType<typeof download>[], extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
    const shell = fakeShell({
      list_downloads: () => list,
      list_books: () => [shelfBook(bookId)],
      pause_download: () => undefined,
      resume_download: () => undefined,
      cancel_download: () => undefined,
      clear_downloads: () => 1,
      set_bandwidth: () => undefined,
      ...extra,
    });
    await downloads.start();
    downloads.open = true;
    let opened = '';
    app = mount(DownloadsPanel, { target: document.body, props: { onopen: (id: string) => (opened = id) } });
    await settle();
    return { shell, opened: () => opened };
  }

  it('shows each download with its state, bar, amounts and the controls that fit', async () => {
    await open([
      download({ id: 4, state: 'running', bytes: 3_100_000, total: 12_000_000, bytesPerSecond: 480_000, etaSeconds: 19 }),
      download({ id: 3, state: 'paused', bytes: 100, total: 1000 }),
      download({ id: 2, state: 'failed', errorCode: 'Timeout', error: 'slow' }),
      download({ id: 1, state: 'done', book: bookId, total: 1000, bytes: 1000 }),
    ]);
    const items = $$('download-item');
    expect(items.map((i) => i.dataset.state)).toEqual(['running', 'paused', 'failed', 'done']);
    expect(items[0]!.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')).toBe('26');
    expect($('download-progress', items[0]!)?.textContent?.replace(/\s/g, ' ')).toBe('3,1 Mo sur 12 Mo · 480 ko/s · encore 19 s');
    expect($('download-pause', items[0]!)).not.toBeNull();
    expect($('download-resume', items[1]!)).not.toBeNull();
    expect($('download-error', items[2]!)?.textContent).toMatch(/trop de temps/);
    expect($('download-retry', items[2]!)).not.toBeNull();
    expect($('download-open', items[3]!)).not.toBeNull();
    expect($('download-cancel', items[3]!), 'a finished download is not cancelled').toBeNull();
  });

  it('pauses, resumes, retries, and cancels only after asking', async () => {
    const { shell } = await open([download({ id: 4, state: 'running' }), download({ id: 2, state: 'failed', errorCode: 'GaveUp' })]);
    $('download-pause')!.click();
    await settle();
    $('download-retry')!.click();
    await settle();
    expect(shell.calls('pause_download')).toEqual([{ id: 4 }]);
    expect(shell.calls('resume_download'), 'retry resumes where it stopped').toEqual([{ id: 2 }]);
    $('download-cancel')!.click();
    flushSync();
    expect($('confirm-dialog')).not.toBeNull();
    expect(shell.calls('cancel_download')).toEqual([]);
    $('confirm-ok')!.click();
    await settle();
    expect(shell.calls('cancel_download')).toEqual([{ id: 4 }]);
  });

  it('opens the book of a finished download, and offers to clear the finished ones', async () => {
    const { shell, opened } = await open([download({ id: 1, state: 'done', book: bookId })]);
    $('download-open')!.click();
    expect(opened()).toBe(bookId);
    expect(downloads.open, 'the panel closes on the way to the book').toBe(false);
    downloads.open = true;
    await settle();
    $('downloads-clear')!.click();
    await settle();
    expect(shell.calls('clear_downloads')).toHaveLength(1);
  });

  it('has no Open button for a book removed since', async () => {
    await open([download({ id: 1, state: 'done', book: 'd'.repeat(64) })]);
    expect($('download-open')).toBeNull();
  });

  it('limits the speed from the select', async () => {
    const { shell } = await open([]);
    const select = $('bandwidth-select') as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['off', '100000', '500000', '2000000']);
    select.value = '500000';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(shell.calls('set_bandwidth')).toEqual([{ bytesPerSecond: 500_000 }]);
    expect($('downloads-empty')).not.toBeNull();
  });
});

describe('library header and new editions', () => {
  it('reaches the catalogues, shows the downloads count, and a notice for a new edition', async () => {
    const shell = fakeShell({
      list_books: () => [shelfBook(bookId)],
      list_downloads: () => [download({ id: 1, state: 'running' }), download({ id: 2, state: 'failed' })],
      check_updates: () => [
        { book: bookId, title: 'Sciences', catalog: 1, current: '2026-01-01T00:00:00Z', available: '2026-11-27T08:00:00Z', url: 'https://c/s.epub', entryId: 'urn:s', entryUrl: 'https://c/list' },
      ],
      accept_update: () => 3,
    });
    await downloads.start();
    await updates.check();
    let catalogs = 0;
    app = mount(Library, { target: document.body, props: { onopen: () => {}, oncatalogs: () => catalogs++ } });
    await settle();
    $('catalogs-button')!.click();
    expect(catalogs).toBe(1);
    expect($('downloads-count')?.textContent).toBe('2');
    expect($('downloads-button')?.getAttribute('aria-label')).toMatch(/1 en échec/);
    const notice = $('update-notice')!;
    expect(notice.textContent).toContain('Sciences');
    expect(notice.textContent).toContain('27 novembre 2026');
    $('update-accept')!.click();
    await settle();
    expect(shell.calls('accept_update')).toHaveLength(1);
    expect($('update-notice'), 'accepted: the notice goes, the download panel shows it').toBeNull();
    expect(downloads.open).toBe(true);
  });

  it('can put a new edition off until later', async () => {
    fakeShell({
      list_books: () => [],
      check_updates: () => [{ book: bookId, title: 'Sciences', catalog: 1, current: null, available: '2026-11-27', url: 'u', entryId: null, entryUrl: null }],
    });
    await updates.check();
    app = mount(Library, { target: document.body, props: { onopen: () => {}, oncatalogs: () => {} } });
    await settle();
    $('update-dismiss')!.click();
    flushSync();
    expect($('update-notice')).toBeNull();
  });
});
