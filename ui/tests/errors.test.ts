import { afterEach, describe, expect, it } from 'vitest';
import * as api from '../src/lib/api';
import { ApiError, toApiError } from '../src/lib/errors';
import { errorText } from '../src/lib/messages';
import { setLang } from '../src/i18n/index.svelte';

afterEach(() => setLang('fr'));

function rejecting(error: unknown): api.Backend {
  return {
    invoke: () => Promise.reject(error),
    listen: async () => () => {},
    onDragDrop: async () => () => {},
    pickBooks: async () => null,
  };
}

describe('errors from the shell', () => {
  it('keeps the code and message of a contract error', () => {
    const e = toApiError({ code: 'CorruptPdf', message: 'damaged' });
    expect(e).toBeInstanceOf(ApiError);
    expect([e.code, e.message]).toEqual(['CorruptPdf', 'damaged']);
  });

  it('gives anything else the Unknown code', () => {
    expect(toApiError('boom').code).toBe('Unknown');
    expect(toApiError(new TypeError('x')).message).toBe('x');
    expect(toApiError(undefined).code).toBe('Unknown');
  });

  it('every command rejects with an ApiError the views branch on', async () => {
    api.setBackend(rejecting({ code: 'BookNotFound', message: 'no book matches' }));
    await expect(api.openBook('x')).rejects.toMatchObject({ code: 'BookNotFound' });
    api.setBackend(rejecting('a plain string'));
    await expect(api.listBooks()).rejects.toBeInstanceOf(ApiError);
  });

  it('passes the contract arguments, password only when given', async () => {
    const calls: [string, unknown][] = [];
    api.setBackend({ ...rejecting(null), invoke: async (c, a) => (calls.push([c, a]), [] as never) });
    await api.importFiles(['/a.pdf']);
    await api.importFiles(['/a.pdf'], 'secret');
    await api.search('eau', null, 20);
    expect(calls).toEqual([
      ['import_files', { paths: ['/a.pdf'] }],
      ['import_files', { paths: ['/a.pdf'], password: 'secret' }],
      ['search', { query: 'eau', book: null, limit: 20 }],
    ]);
  });
});

describe('messages shown for errors', () => {
  it('translates a known code in the current language', () => {
    expect(errorText({ code: 'WrongPassword', message: 'the password is wrong' })).toMatch(/mot de passe/);
    setLang('en');
    expect(errorText({ code: 'WrongPassword', message: 'the password is wrong' })).toMatch(/password is not the right one/);
  });

  it("falls back to the shell's message for a code it does not know", () => {
    expect(errorText({ code: 'BrandNew', message: 'something new happened' })).toBe('something new happened');
  });

  it('says something even without a message', () => {
    expect(errorText({ code: 'BrandNew', message: '' })).toMatch(/inattendue/);
  });
});
