import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/lib/errors';
import { labelOf, pageIndicator, resolveEpubInput, resolvePageInput } from '../src/lib/pagefield';
import type { PageLabel } from '../src/lib/types';

const labels: PageLabel[] = [
  { label: 'i', page: 0, href: null },
  { label: 'ii', page: 1, href: null },
  { label: 'iv', page: 3, href: null },
  { label: '1', page: 4, href: null },
  { label: '2', page: 5, href: null },
  { label: 'A-3', page: 9, href: null },
];
const notFound = () => Promise.reject(new ApiError('LabelNotFound', 'no page is labelled'));

describe('page indicator', () => {
  it('shows the printed label and the rank in the file', () => {
    expect(pageIndicator(3, 16, 'iv')).toBe('p. iv · 4/16');
    expect(pageIndicator(2, 16, null)).toBe('3/16');
  });

  it('finds the label of a page', () => {
    expect(labelOf(labels, 4)).toBe('1');
    expect(labelOf(labels, 2)).toBeNull();
  });
});

describe('page field (PDF)', () => {
  it('goes to a printed label before a page number, as the book prints it', async () => {
    expect(await resolvePageInput('1', 16, labels, notFound)).toEqual({ ok: true, index: 4 });
    expect(await resolvePageInput(' IV ', 16, labels, notFound)).toEqual({ ok: true, index: 3 });
    expect(await resolvePageInput('p. 2', 16, labels, notFound)).toEqual({ ok: true, index: 5 });
  });

  it('reads #N as the N-th page of the file', async () => {
    expect(await resolvePageInput('#1', 16, labels, notFound)).toEqual({ ok: true, index: 0 });
    expect(await resolvePageInput('#17', 16, labels, notFound)).toEqual({ ok: false, code: 'PageOutOfRange' });
  });

  it('asks the shell for a label it does not know locally', async () => {
    const ask = vi.fn(async () => 12);
    expect(await resolvePageInput('B-1', 16, labels, ask)).toEqual({ ok: true, index: 12 });
    expect(ask).toHaveBeenCalledWith('B-1');
  });

  it('falls back to a page number when no page carries that label', async () => {
    expect(await resolvePageInput('7', 16, labels, notFound)).toEqual({ ok: true, index: 6 });
    expect(await resolvePageInput('40', 16, labels, notFound)).toEqual({ ok: false, code: 'PageOutOfRange' });
  });

  it('says which label is missing', async () => {
    expect(await resolvePageInput('xyz', 16, labels, notFound)).toEqual({ ok: false, code: 'LabelNotFound' });
    expect(await resolvePageInput('   ', 16, labels, notFound)).toEqual({ ok: false, code: 'EmptyPage' });
  });

  it('does not call the shell for a book without labels', async () => {
    const ask = vi.fn(notFound);
    expect(await resolvePageInput('3', 5, [], ask)).toEqual({ ok: true, index: 2 });
    expect(ask).not.toHaveBeenCalled();
  });
});

describe('page field (EPUB)', () => {
  const list: PageLabel[] = [
    { label: '12', page: 3, href: 'EPUB/text/ch1.xhtml#p12' },
    { label: 'xii', page: 1, href: null },
  ];

  it('goes to the page break of a printed page', () => {
    expect(resolveEpubInput('12', list, 9, false)).toEqual({ ok: true, kind: 'href', href: 'EPUB/text/ch1.xhtml#p12' });
    expect(resolveEpubInput('XII', list, 9, false)).toEqual({ ok: true, kind: 'index', index: 1 });
  });

  it('takes a percentage, with a French decimal comma', () => {
    expect(resolveEpubInput('40 %', list, 9, false)).toEqual({ ok: true, kind: 'fraction', fraction: 0.4 });
    expect(resolveEpubInput('12,5%', [], 9, false)).toEqual({ ok: true, kind: 'fraction', fraction: 0.125 });
    expect(resolveEpubInput('140%', [], 9, false)).toEqual({ ok: false, code: 'PageOutOfRange' });
  });

  it('counts pages of a fixed-layout book', () => {
    expect(resolveEpubInput('3', [], 8, true)).toEqual({ ok: true, kind: 'index', index: 2 });
    expect(resolveEpubInput('9', [], 8, true)).toEqual({ ok: false, code: 'PageOutOfRange' });
  });

  it('explains that a reflowable book without a page list has no page numbers', () => {
    expect(resolveEpubInput('3', [], 8, false)).toEqual({ ok: false, code: 'NoPageList' });
  });
});
