// The decisions of the Catalogues view that need no DOM: image URLs, which button each
// acquisition gets, what a download asks the shell, "in my library", the offline banner, signing
// in and the trail of pages.
import { afterEach, describe, expect, it } from 'vitest';
import {
  acquisitionAction,
  acquisitionActions,
  actionHintKey,
  actionLabelKey,
  activeDownload,
  backTo,
  bookFor,
  downloadRequest,
  formatPrice,
  formatSavedAt,
  isEmptyFeed,
  isNoConnection,
  isWebPage,
  knownFromShelf,
  offlineSince,
  publicationBook,
  pushCrumb,
  rememberDownloads,
  replaceLast,
  searchCrumb,
  signInPrompt,
  sortCatalogs,
} from '../src/lib/catalog';
import { catalogImageUrl, setResourceBase } from '../src/lib/urls';
import type { Acquisition, Catalog, FeedPage, ShelfBook } from '../src/lib/types';
import { acq, download, pub } from './fixtures/catalog';

afterEach(() => setResourceBase('cartable://localhost/'));

describe('catalogue image URLs', () => {
  it('send the remote address whole, percent-encoded, as one path segment the shell decodes', () => {
    expect(catalogImageUrl(3, 'https://cat.example/cover?id=1&size=big')).toBe(
      'cartable://localhost/catalog-image/3/https%3A%2F%2Fcat.example%2Fcover%3Fid%3D1%26size%3Dbig',
    );
    expect(catalogImageUrl(3, 'https://cat.example/é t#x.png')).toBe(
      'cartable://localhost/catalog-image/3/https%3A%2F%2Fcat.example%2F%C3%A9%20t%23x.png',
    );
  });

  it('use "-" when no catalogue credentials apply (a logo before the catalogue is added)', () => {
    expect(catalogImageUrl(null, 'https://cat.example/logo.png')).toBe('cartable://localhost/catalog-image/-/https%3A%2F%2Fcat.example%2Flogo.png');
  });

  it('follow the resource base (Windows serves the scheme over http)', () => {
    setResourceBase('http://cartable.localhost/');
    expect(catalogImageUrl(1, 'data:image/png;base64,AA==')).toBe('http://cartable.localhost/catalog-image/1/data%3Aimage%2Fpng%3Bbase64%2CAA%3D%3D');
  });
});

describe('acquisition buttons', () => {
  const table: [string, Acquisition, string, string | null][] = [
    ['free EPUB', acq(), 'download', null],
    ['generic acquisition of a PDF', acq({ kind: 'acquisition', mediaType: 'application/pdf' }), 'download', null],
    ['sample', acq({ kind: 'sample' }), 'download', null],
    ['loan', acq({ kind: 'borrow', mediaType: 'text/html', downloadable: false }), 'borrow', 'catalog.borrowHint'],
    ['purchase', acq({ kind: 'buy', downloadable: false, prices: [{ value: '18.90', currency: 'EUR' }] }), 'buy', 'catalog.buyHint'],
    ['subscription', acq({ kind: 'subscribe', downloadable: false }), 'subscribe', 'catalog.subscribeHint'],
    [
      'free but through Adobe DRM',
      acq({ kind: 'acquisition', mediaType: 'application/vnd.adobe.adept+xml', indirect: ['application/epub+zip'], downloadable: false }),
      'unsupported',
      'catalog.unsupportedHint',
    ],
    // The shell's `downloadable` decides: a borrow link is never turned into a download.
    ['a loan the shell would call downloadable', acq({ kind: 'borrow', downloadable: true }), 'borrow', 'catalog.borrowHint'],
  ];

  it.each(table)('%s', (_name, a, kind, hint) => {
    const action = acquisitionAction(a);
    expect(action.kind, 'only downloadable, free links become a download button').toBe(kind);
    expect(actionHintKey(action), 'a button that does nothing here says why').toBe(hint);
  });

  it('knows the format from the type, or from the end of an indirect chain', () => {
    const pdf = acquisitionAction(acq({ mediaType: 'application/pdf; charset=binary' }));
    expect(pdf.kind === 'download' && pdf.format).toBe('pdf');
    const drm = acquisitionAction(acq({ mediaType: 'application/vnd.adobe.adept+xml', indirect: ['application/epub+zip'], downloadable: false }));
    expect(drm.kind === 'unsupported' && drm.format).toBe('epub');
  });

  it('puts downloads first, the full book before the sample, and one button per distinct choice', () => {
    const p = pub({
      acquisitions: [
        acq({ kind: 'buy', href: 'https://cat.example/buy', downloadable: false }),
        acq({ kind: 'sample', href: 'https://cat.example/extrait.epub' }),
        acq({ href: 'https://cat.example/b.epub' }),
        acq({ href: 'https://cat.example/b2.epub' }),
        acq({ href: 'https://cat.example/b.pdf', mediaType: 'application/pdf' }),
        acq({ kind: 'acquisition', href: 'https://cat.example/x.acsm', mediaType: 'application/vnd.adobe.adept+xml', downloadable: false }),
      ],
    });
    const actions = acquisitionActions(p);
    expect(actions.map((a) => `${a.kind}:${a.acquisition.href.split('/').pop()}`)).toEqual([
      'download:b.epub',
      'download:b.pdf',
      'download:extrait.epub',
      'buy:buy',
    ]);
    expect(actionLabelKey(actions[0]!, 2), 'two formats: each button names its format').toBe('catalog.downloadAs');
    expect(actionLabelKey(actions[0]!, 1)).toBe('catalog.download');
    expect(actionLabelKey(actions[2]!, 2)).toBe('catalog.downloadSample');
  });

  it('shows an unreadable link only when nothing else is offered, so that no card is silently empty', () => {
    const p = pub({ acquisitions: [acq({ kind: 'acquisition', mediaType: 'text/html', downloadable: false })] });
    expect(acquisitionActions(p).map((a) => a.kind)).toEqual(['unsupported']);
  });

  it('writes prices the way each language does, and keeps an odd value as written', () => {
    expect(formatPrice({ value: '18.90', currency: 'EUR' }, 'fr').replace(/\s/g, ' ')).toBe('18,90 €');
    expect(formatPrice({ value: '18.90', currency: 'EUR' }, 'en')).toBe('€18.90');
    expect(formatPrice({ value: 'gratuit', currency: null }, 'fr')).toBe('gratuit');
  });
});

describe('what a download asks the shell', () => {
  const page: Pick<FeedPage, 'catalog' | 'url'> = { catalog: 4, url: 'https://cat.example/list?page=2' };

  it('names the entry and a page that holds it, so that a new edition can be noticed', () => {
    expect(downloadRequest(pub(), acq(), page)).toEqual({
      url: 'https://cat.example/b.epub',
      catalog: 4,
      entryId: 'urn:test:1',
      entryUrl: 'https://cat.example/list?page=2',
      title: 'Sciences 5e',
      updated: '2026-01-10T08:00:00Z',
      expectedSize: null,
    });
  });

  it('prefers the entry’s own address, then its complete entry, to the list it was seen on', () => {
    expect(downloadRequest(pub({ selfUrl: 'https://cat.example/self', detail: 'https://cat.example/detail' }), acq(), page).entryUrl).toBe('https://cat.example/self');
    expect(downloadRequest(pub({ detail: 'https://cat.example/detail' }), acq(), page).entryUrl).toBe('https://cat.example/detail');
  });
});

describe('"in my library"', () => {
  const bookId = 'a'.repeat(64);

  it('comes from what a finished download became, never from a title', () => {
    const known = rememberDownloads({}, [download({ state: 'done', book: bookId }), download({ id: 2, url: 'https://cat.example/other.epub', state: 'running' })]);
    expect(known).toEqual({ 'https://cat.example/b.epub': bookId });
    const available = new Set([bookId]);
    expect(publicationBook(pub(), known, available)).toBe(bookId);
    expect(publicationBook(pub({ acquisitions: [acq({ href: 'https://cat.example/same-title.epub' })] }), known, available), 'same title, other file').toBeNull();
  });

  it('follows the latest download of an address (a new edition replaced the old book)', () => {
    const newer = 'n'.repeat(64);
    // The shell lists the newest first.
    const known = rememberDownloads({}, [download({ id: 9, state: 'done', book: newer }), download({ id: 4, state: 'done', book: bookId })]);
    expect(known['https://cat.example/b.epub']).toBe(newer);
    const again = rememberDownloads(known, [download({ id: 9, state: 'done', book: newer }), download({ id: 4, state: 'done', book: bookId })]);
    expect(again['https://cat.example/b.epub'], 'listing both again changes nothing').toBe(newer);
  });

  it('comes from the library itself for books downloaded in earlier sessions', () => {
    const shelf = [
      { id: bookId, source: { kind: 'catalog', url: 'https://cat.example/b.epub', catalog: 'École' } },
      { id: 'c'.repeat(64), source: { kind: 'file', path: '/home/eleve/b.epub' } },
      { id: 'd'.repeat(64), source: { kind: 'bundled', name: 'cahier.epub' } },
    ] as ShelfBook[];
    const known = knownFromShelf({}, shelf);
    expect(known).toEqual({ 'https://cat.example/b.epub': bookId });
    expect(publicationBook(pub(), known, new Set([bookId]))).toBe(bookId);
    expect(knownFromShelf(known, shelf), 'nothing new: the same object').toBe(known);
    const newer = 'n'.repeat(64);
    expect(knownFromShelf({ 'https://cat.example/b.epub': newer }, shelf)['https://cat.example/b.epub'], 'a download of this session has the last word').toBe(newer);
  });

  it('is false again once the book has left the library', () => {
    expect(bookFor('https://cat.example/b.epub', { 'https://cat.example/b.epub': bookId }, new Set())).toBeNull();
  });

  it('keeps the same object when nothing new finished (no needless store write)', () => {
    const known = { 'https://cat.example/b.epub': bookId };
    expect(rememberDownloads(known, [download({ state: 'done', book: bookId })])).toBe(known);
  });

  it('shows a download under way instead of a second button', () => {
    const list = [download({ id: 3, state: 'done' }), download({ id: 2, state: 'paused' })];
    expect(activeDownload('https://cat.example/b.epub', list)?.id).toBe(2);
    expect(activeDownload('https://cat.example/b.epub', [download({ state: 'cancelled' })])).toBeNull();
  });
});

describe('pages and errors', () => {
  const page = (offline: boolean): FeedPage => ({
    catalog: 2,
    url: 'https://cat.example/opds',
    offline,
    fetchedAt: Date.UTC(2026, 10, 27, 9, 20),
    feed: { title: 'CDI', navigation: [], publications: [], groups: [], facets: [], next: null, previous: null, first: null, last: null, up: null, start: null, search: null },
  });

  it('shows the offline banner only for a saved copy, with the date it was saved', () => {
    expect(offlineSince(page(false))).toBeNull();
    expect(offlineSince(null)).toBeNull();
    const saved = offlineSince(page(true));
    expect(saved?.getTime()).toBe(Date.UTC(2026, 10, 27, 9, 20));
    expect(formatSavedAt(saved!, 'fr')).toMatch(/27 nov\. 2026/);
    expect(formatSavedAt(saved!, 'en')).toMatch(/Nov 27, 2026/);
  });

  it('tells "no connection" apart from a broken catalogue', () => {
    expect(['Offline', 'Timeout', 'ConnectionLost'].every(isNoConnection)).toBe(true);
    expect(['BadCatalog', 'NotFound', 'SignInRequired'].some(isNoConnection)).toBe(false);
  });

  it('never follows a link to a web page as if it were a catalogue page', () => {
    expect(isWebPage({ mediaType: 'text/html; charset=utf-8' })).toBe(true);
    expect(isWebPage({ mediaType: 'application/atom+xml;profile=opds-catalog' })).toBe(false);
    expect(isWebPage({ mediaType: null })).toBe(false);
  });

  it('knows an empty page', () => {
    expect(isEmptyFeed(page(false))).toBe(true);
  });

  it('lists the bundled catalogue first, then by name', () => {
    const c = (id: number, name: string, bundled = false): Catalog => ({ id, name, url: `https://${id}`, username: null, bundled, auth: null });
    expect(sortCatalogs([c(3, 'zèbre'), c(1, 'Cartable', true), c(2, 'Éditeur')], 'fr').map((x) => x.id)).toEqual([1, 2, 3]);
  });
});

describe('signing in', () => {
  const doc = {
    id: 'https://ent.example/auth',
    title: ' ENT du collège ',
    description: 'Connecte-toi avec ton compte ENT.',
    logo: 'https://ent.example/logo.png',
    register: null,
    help: [],
    flows: [
      { kind: { other: 'http://saml' }, labels: { login: null, password: null } },
      { kind: 'basic', labels: { login: 'Identifiant ENT', password: ' Code ' } },
    ],
  };

  it('shows the catalogue’s title, logo and own labels', () => {
    expect(signInPrompt(doc, 'CDI')).toEqual({
      title: 'ENT du collège',
      description: 'Connecte-toi avec ton compte ENT.',
      logo: 'https://ent.example/logo.png',
      loginLabel: 'Identifiant ENT',
      passwordLabel: 'Code',
      supported: true,
    });
  });

  it('falls back to the catalogue name and Cartable’s words without a document', () => {
    expect(signInPrompt(null, 'https://cat.example/opds')).toMatchObject({ title: 'https://cat.example/opds', loginLabel: null, supported: true });
    expect(signInPrompt({ ...doc, title: '', flows: [{ kind: 'oauthPassword', labels: null }] }, 'CDI')).toMatchObject({ title: 'CDI', loginLabel: null, supported: true });
  });

  it('says so when the catalogue only offers a way Cartable cannot follow', () => {
    expect(signInPrompt({ ...doc, flows: [doc.flows[0]] }, 'CDI').supported).toBe(false);
  });
});

describe('the trail of pages', () => {
  const root = [{ title: '' }];

  it('adds a step per link, replaces it for another page of the same list, and goes back', () => {
    const a = pushCrumb(root, { title: 'Manuels', url: 'https://c/list' });
    const b = replaceLast(a, 'https://c/list?page=2');
    expect(b).toEqual([{ title: '' }, { title: 'Manuels', url: 'https://c/list?page=2' }]);
    const c = pushCrumb(b, { title: 'Sciences', url: 'https://c/sciences' });
    expect(backTo(c, 1)).toEqual(b);
    expect(backTo(c, -3), 'never past the first page').toEqual(root);
  });

  it('puts a search right under the first page, replacing an earlier search', () => {
    const deep = pushCrumb(pushCrumb(root, { title: 'A', url: 'a' }), { title: 'B', url: 'b' });
    const s1 = searchCrumb(deep, 'eau', 'Résultats pour « eau »');
    expect(s1).toEqual([{ title: '' }, { title: 'Résultats pour « eau »', query: 'eau' }]);
    expect(searchCrumb(s1, 'feu', 'R')).toHaveLength(2);
  });
});
