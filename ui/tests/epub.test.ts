import { describe, expect, it, vi } from 'vitest';
import { createLoader, readerCss, sectionSizes, UNKNOWN_SIZE } from '../src/lib/epub';
import { ApiError } from '../src/lib/errors';
import type { Section } from '../src/lib/types';

const ID = 'ab'.repeat(32);

function fakeFetch(files: Record<string, string>, broken: string[] = []) {
  return vi.fn(async (url: string, init?: RequestInit) => {
    const path = decodeURIComponent(url.replace(`cartable://localhost/epub/${ID}/`, ''));
    if (broken.includes(path)) return new Response(JSON.stringify({ code: 'EpubDamaged', message: 'bad zip entry' }), { status: 500 });
    const body = files[path];
    if (body === undefined) return new Response(JSON.stringify({ code: 'ResourceNotFound', message: 'missing' }), { status: 404 });
    return new Response(init?.method === 'HEAD' ? null : body, { status: 200, headers: { 'content-length': String(new TextEncoder().encode(body).length) } });
  });
}

const section = (href: string, size?: number): Section => ({ href, mediaType: 'application/xhtml+xml', linear: true, layout: null, size });

describe('the EPUB loader foliate reads through', () => {
  it('fetches each file from the cartable scheme, never the whole .epub', async () => {
    const fetch = fakeFetch({ 'META-INF/container.xml': '<container/>', 'OEBPS/chap 1.xhtml': '<html/>' });
    const loader = createLoader(ID, new Map(), fetch);
    expect(await loader.loadText('META-INF/container.xml')).toBe('<container/>');
    expect(await loader.loadText('OEBPS/chap 1.xhtml')).toBe('<html/>');
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([
      `cartable://localhost/epub/${ID}/META-INF/container.xml`,
      `cartable://localhost/epub/${ID}/OEBPS/chap%201.xhtml`,
    ]);
  });

  it('answers null for a file the book does not have (foliate probes optional files)', async () => {
    const loader = createLoader(ID, new Map(), fakeFetch({}));
    expect(await loader.loadText('META-INF/encryption.xml')).toBeNull();
    expect(await loader.loadBlob('images/none.png')).toBeNull();
  });

  it("rejects with the shell's code when a file is there but cannot be read", async () => {
    const loader = createLoader(ID, new Map(), fakeFetch({}, ['OEBPS/bad.xhtml']));
    await expect(loader.loadText('OEBPS/bad.xhtml')).rejects.toEqual(new ApiError('EpubDamaged', 'bad zip entry'));
  });

  it('reads a section once even when foliate asks twice (display, then search)', async () => {
    const fetch = fakeFetch({ 'a.xhtml': 'x' });
    const loader = createLoader(ID, new Map(), fetch);
    await loader.loadText('a.xhtml');
    await loader.loadText('a.xhtml');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('gives blobs for images', async () => {
    const loader = createLoader(ID, new Map(), fakeFetch({ 'img/a.svg': '<svg/>' }));
    const blob = await loader.loadBlob('img/a.svg');
    expect(await blob!.text()).toBe('<svg/>');
  });

  it('answers sizes at once, with a stand-in for unknown ones', () => {
    const loader = createLoader(ID, new Map([['a.xhtml', 1234]]), fakeFetch({}));
    expect(loader.getSize('a.xhtml')).toBe(1234);
    expect(loader.getSize('b.xhtml')).toBe(UNKNOWN_SIZE);
  });
});

describe('section sizes for progress', () => {
  it('uses the size the shell gives in the spine without asking', async () => {
    const fetch = fakeFetch({});
    const sizes = await sectionSizes(ID, [section('a.xhtml', 10), section('b.xhtml', 20)], fetch);
    expect([...sizes]).toEqual([['a.xhtml', 10], ['b.xhtml', 20]]);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('asks with HEAD requests otherwise, and skips what does not answer', async () => {
    const fetch = fakeFetch({ 'a.xhtml': 'hello', 'b.xhtml': 'hello world' });
    const sizes = await sectionSizes(ID, [section('a.xhtml'), section('b.xhtml'), section('gone.xhtml')], fetch);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(sizes.get('a.xhtml')).toBe(5);
    expect(sizes.get('b.xhtml')).toBe(11);
    expect(sizes.has('gone.xhtml')).toBe(false);
    expect(fetch.mock.calls.every((c) => c[1]?.method === 'HEAD')).toBe(true);
  });

  it('stops after one probe when the shell sends no Content-Length (WebKitGTK custom schemes)', async () => {
    const bare = vi.fn(async () => new Response('x', { status: 200 }));
    const sizes = await sectionSizes(ID, [section('a.xhtml'), section('b.xhtml'), section('c.xhtml')], bare);
    expect(sizes.size).toBe(0);
    expect(bare).toHaveBeenCalledTimes(1);
  });

  it('gives up after the time limit rather than hold the book closed', async () => {
    const never = vi.fn(() => new Promise<Response>(() => {}));
    const sizes = await sectionSizes(ID, [section('a.xhtml')], never, 20);
    expect(sizes.size).toBe(0);
  });
});

describe('reading styles', () => {
  it('sets colours, text size and line spacing for the chosen theme', () => {
    const css = readerCss({ theme: 'sepia', fontScale: 125, lineHeight: 1.7 });
    expect(css).toContain('font-size: 125%');
    expect(css).toContain('line-height: 1.7');
    expect(css).toContain('#f4ecd8');
  });

  it("keeps the book's own box colours in the light theme only", () => {
    expect(readerCss({ theme: 'light', fontScale: 100, lineHeight: 1.5 })).not.toContain('background-color: transparent');
    expect(readerCss({ theme: 'dark', fontScale: 100, lineHeight: 1.5 })).toContain('background-color: transparent');
  });
});
