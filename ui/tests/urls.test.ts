import { afterEach, describe, expect, it } from 'vitest';
import { coverUrl, epubUrl, pageUrl, pageWidthBucket, setResourceBase, tauriResourceBase, thumbUrl } from '../src/lib/urls';

afterEach(() => setResourceBase('cartable://localhost/'));

describe('resource URLs', () => {
  it('uses the cartable scheme on Linux and the http form on Windows', () => {
    expect(tauriResourceBase('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit')).toBe('cartable://localhost/');
    expect(tauriResourceBase('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120')).toBe('http://cartable.localhost/');
  });

  it('builds page, cover and thumbnail URLs the shell parses', () => {
    expect(pageUrl('abc', 3, 1200)).toBe('cartable://localhost/page/abc/3/1200');
    expect(coverUrl('abc')).toBe('cartable://localhost/cover/abc');
    expect(thumbUrl('abc', 0)).toBe('cartable://localhost/thumb/abc/0');
  });

  it('keeps the slashes of a path inside an EPUB but encodes each segment', () => {
    expect(epubUrl('id', 'OEBPS/Text/chap 1.xhtml')).toBe('cartable://localhost/epub/id/OEBPS/Text/chap%201.xhtml');
    expect(epubUrl('id', 'EPUB/images/élève#1.png')).toBe('cartable://localhost/epub/id/EPUB/images/%C3%A9l%C3%A8ve%231.png');
    expect(epubUrl('id', '/META-INF/container.xml')).toBe('cartable://localhost/epub/id/META-INF/container.xml');
  });

  it('follows the base chosen at start-up (mock or Windows)', () => {
    setResourceBase('http://cartable.localhost');
    expect(pageUrl('b', 1, 100)).toBe('http://cartable.localhost/page/b/1/100');
  });
});

describe('page width buckets', () => {
  it('rounds device pixels up to a multiple of 100 so that nearby zooms share one image', () => {
    expect(pageWidthBucket(801, 1)).toBe(900);
    expect(pageWidthBucket(800, 1)).toBe(800);
    expect(pageWidthBucket(812.4, 1)).toBe(900);
    expect(pageWidthBucket(640, 1.5)).toBe(1000);
    expect(pageWidthBucket(700, 2)).toBe(1400);
  });

  it('never asks for less than 100 nor more than 4000 pixels', () => {
    expect(pageWidthBucket(10, 1)).toBe(100);
    expect(pageWidthBucket(0, 1)).toBe(100);
    expect(pageWidthBucket(3000, 2)).toBe(4000);
  });

  it('treats a missing device pixel ratio as 1', () => {
    expect(pageWidthBucket(850, 0)).toBe(900);
  });
});
