import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fr from '../src/i18n/fr.json';
import en from '../src/i18n/en.json';

const frKeys = Object.keys(fr).sort();
const enKeys = Object.keys(en).sort();
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(svelte|ts)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('translations', () => {
  it('French and English have exactly the same keys', () => {
    expect(enKeys.filter((k) => !(k in fr)), 'keys only in en.json').toEqual([]);
    expect(frKeys.filter((k) => !(k in en)), 'keys only in fr.json').toEqual([]);
  });

  it('no string is empty', () => {
    for (const [lang, dict] of Object.entries({ fr, en })) {
      const empty = Object.entries(dict as Record<string, string>).filter(([, v]) => !v.trim()).map(([k]) => k);
      expect(empty, `empty strings in ${lang}.json`).toEqual([]);
    }
  });

  it('a string has the same {placeholders} in both languages', () => {
    const d = (dict: unknown) => dict as Record<string, string>;
    const differ = frKeys.filter((k) => placeholders(d(fr)[k]!).join() !== placeholders(d(en)[k] ?? '').join());
    expect(differ, 'placeholders differ').toEqual([]);
  });

  it('every key the code asks for by name exists', () => {
    const used = new Set<string>();
    for (const file of sources(join(__dirname, '../src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt[n]?\(\s*'([\w.-]+)'/g)) used.add(m[1]!);
    }
    const missing = [...used].filter((k) => !(k in fr) && !(`${k}.other` in fr));
    expect(missing, 'keys used in the code but missing from fr.json').toEqual([]);
  });

  it('every error code of the shell contract has a message in both languages', () => {
    const codes = ['BookNotFound', 'PasswordRequired', 'WrongPassword', 'CorruptPdf', 'NotEpub', 'EpubDamaged', 'EpubRefused', 'UnsupportedFormat', 'DiskFull', 'PageOutOfRange', 'LabelNotFound', 'EmptyQuery', 'Unknown'];
    for (const code of codes) {
      expect(fr, code).toHaveProperty([`error.${code}`]);
      expect(en, code).toHaveProperty([`error.${code}`]);
    }
  });

  it('every error code of catalogues and downloads has a message and advice in both languages', () => {
    const codes = [
      'SignInRequired', 'WrongCredentials', 'CatalogNotFound', 'InvalidAddress', 'NoCatalogSearch', 'BadCatalog', 'NotABook',
      'Offline', 'Timeout', 'ConnectionLost', 'RedirectLoop', 'Forbidden', 'NotFound', 'RateLimited', 'Server', 'ServerError',
      'DiskFull', 'SizeMismatch', 'ChecksumMismatch', 'GaveUp', 'DownloadNotFound', 'Unauthorized', 'Refused', 'UnexpectedResponse',
      'TooLarge', 'UnsupportedUrl',
    ];
    for (const code of codes) {
      for (const [lang, dict] of Object.entries({ fr, en })) {
        expect(dict, `${lang}: error.${code}`).toHaveProperty([`error.${code}`]);
        expect(dict, `${lang}: advice.${code}`).toHaveProperty([`advice.${code}`]);
      }
    }
  });

  it('every download state and acquisition button has its strings', () => {
    const dynamic = [
      ...['queued', 'running', 'paused', 'failed', 'done', 'cancelled'].map((s) => `download.state.${s}`),
      ...['download', 'downloadAs', 'downloadSample', 'borrow', 'buy', 'subscribe', 'unsupported'].map((s) => `catalog.${s}`),
      ...['borrowHint', 'buyHint', 'subscribeHint', 'unsupportedHint'].map((s) => `catalog.${s}`),
      ...['moment', 'seconds', 'minutes', 'hours', 'hoursMinutes'].map((s) => `download.eta.${s}`),
    ];
    expect(dynamic.filter((k) => !(k in fr))).toEqual([]);
  });

  it('every status, sort key and page-field error shown by a template has its string', () => {
    const dynamic = [
      ...['waiting', 'started', 'imported', 'already-in-library', 'error'].map((s) => `import.status.${s}`),
      ...['opened', 'added', 'title', 'author'].map((s) => `library.sort.${s}`),
      ...['EmptyPage', 'PageOutOfRange', 'LabelNotFound', 'NoPageList'].map((s) => `pageField.${s}`),
      'language.fr',
      'language.en',
    ];
    expect(dynamic.filter((k) => !(k in fr))).toEqual([]);
  });
});

describe('numbers shown to the pupil', async () => {
  const { formatPercent, formatSize, formatZoom, setLang } = await import('../src/i18n/index.svelte');

  it('shows a zoom above 100 % as it is (a regression: it was capped like a progress)', () => {
    setLang('en');
    expect(formatZoom(1.23)).toBe('123%');
    expect(formatPercent(1.23)).toBe('100%');
    expect(formatPercent(0.071)).toBe('7%');
  });

  it('writes sizes with the French units and decimal comma', () => {
    setLang('fr');
    expect(formatSize(43_499).replace(/\s/g, ' ')).toBe('43,5 ko');
    expect(formatSize(48_000_000).replace(/\s/g, ' ')).toBe('48 Mo');
    setLang('en');
    expect(formatSize(999)).toBe('999 B');
    setLang('fr');
  });
});
