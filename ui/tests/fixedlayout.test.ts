// Fixed-layout EPUB pages: foliate scales each page's iframe with a CSS transform and draws
// nothing over it, so the reader maps what is inside a frame to the app's coordinates and to
// fractions of the page itself. These sums, the choice of page in a spread, the fallback that
// finds a highlight by its words, the page overlay, and ink mode's store and history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import FixedPage from '../src/components/FixedPage.svelte';
import * as api from '../src/lib/api';
import { BookAnnotations, placeAnchor } from '../src/lib/annotations.svelte';
import { findQuote, frameScale, lineBoxes, pageAt, relativeTo, shownPages, textRange, toApp, toFractions, type Frame } from '../src/lib/fixedlayout';
import { InkMode } from '../src/lib/inkmode.svelte';
import { mockBackend, mockStore } from '../src/lib/mock';
import type { Annotation } from '../src/lib/types';

describe('a scaled frame', () => {
  it('has the scale of its box on screen over its own layout size', () => {
    expect(frameScale({ width: 300, height: 450 }, { width: 600, height: 900 }), 'a 600×900 page shown at half size').toEqual({ x: 0.5, y: 0.5 });
    expect(frameScale({ width: 0, height: 0 }, { width: 0, height: 0 }), 'a frame not laid out yet must not divide by zero').toEqual({ x: 1, y: 1 });
  });

  it('maps a rectangle inside the frame to the app: scaled, then moved to the frame', () => {
    const frame = { left: 100, top: 40, width: 300, height: 450 };
    const inside = { left: 60, top: 200, width: 120, height: 20 };
    expect(toApp(inside, frame, frameScale(frame, { width: 600, height: 900 }))).toEqual({ left: 130, top: 140, width: 60, height: 10 });
  });

  it('gives a rectangle inside the page in fractions of the page, whatever the zoom', () => {
    expect(toFractions({ left: 60, top: 180, width: 120, height: 18 }, { width: 600, height: 900 })).toEqual([0.1, 0.2, 0.3, 0.22]);
    expect(toFractions({ left: 550, top: -10, width: 100, height: 20 }, { width: 600, height: 900 }), 'clamped to the page').toEqual([550 / 600, 0, 1, 10 / 900]);
    expect(toFractions({ left: 10, top: 10, width: 0, height: 10 }, { width: 600, height: 900 }), 'an empty rect draws nothing').toBeNull();
    expect(toFractions({ left: 700, top: 10, width: 50, height: 10 }, { width: 600, height: 900 }), 'a rect off the page draws nothing').toBeNull();
  });

  it('places a box relative to the overlay it is drawn in', () => {
    expect(relativeTo({ left: 130, top: 140, width: 60, height: 10 }, { left: 100, top: 100 })).toEqual({ left: 30, top: 40, width: 60, height: 10 });
  });

  it('joins the rects of one line, keeps lines apart', () => {
    const quads = lineBoxes([
      [0.1, 0.2, 0.2, 0.22],
      [0.2, 0.201, 0.35, 0.221], // the next text node on the same line
      [0.15, 0.2, 0.25, 0.22], // an inline element over both
      [0.1, 0.23, 0.3, 0.25], // the next line
    ]);
    expect(quads, 'one box per line').toEqual([
      [0.1, 0.2, 0.35, 0.221],
      [0.1, 0.23, 0.3, 0.25],
    ]);
  });
});

describe('the pages of a spread', () => {
  const frame = (index: number, left: number, width = 300): Frame => ({ index, box: { left, top: 50, width, height: 450 }, layout: { width: 600, height: 900 } });

  it('keeps the frames shown, left to right, with their scale', () => {
    const pages = shownPages([frame(5, 400), frame(4, 100), frame(6, 0, 0), frame(-1, 700)]);
    expect(pages.map((p) => p.index), 'a hidden half (0 wide) and a blank half (no section) are not pages').toEqual([4, 5]);
    expect(pages[0]!.scale).toEqual({ x: 0.5, y: 0.5 });
  });

  it('chooses the page under a point, or the nearest one', () => {
    const pages = shownPages([frame(4, 100), frame(5, 400)]);
    expect(pageAt(pages, 150, 200)?.index, 'inside the left page').toBe(4);
    expect(pageAt(pages, 650, 200)?.index, 'inside the right page').toBe(5);
    expect(pageAt(pages, 420, 499)?.index).toBe(5);
    expect(pageAt(pages, 40, 600)?.index, 'below and left of the spread').toBe(4);
    expect(pageAt(pages, 900, 10)?.index, 'right of the spread').toBe(5);
    expect(pageAt([], 10, 10), 'no page').toBeNull();
  });
});

describe('a highlight found by its words', () => {
  it('finds the occurrence whose context matches', () => {
    const text = 'La pluie tombe. Puis la pluie remonte en vapeur. La pluie encore.';
    const at = findQuote(text, { prefix: 'Puis la ', exact: 'pluie', suffix: ' remonte' });
    expect(at, 'the second "pluie", the one between "Puis la" and "remonte"').toEqual({ start: text.indexOf('pluie remonte'), end: text.indexOf('pluie remonte') + 5 });
    expect(findQuote(text, { prefix: '', exact: 'pluie', suffix: '' })?.start, 'without context, the first').toBe(3);
    expect(findQuote(text, { prefix: '', exact: 'neige', suffix: '' })).toBeNull();
    expect(findQuote(text, { prefix: 'x', exact: '', suffix: 'y' }), 'an empty quote finds nothing').toBeNull();
  });

  it('makes a range over text that spans elements', () => {
    const doc = document.implementation.createHTMLDocument('p');
    doc.body.innerHTML = '<p>Le <b>cycle</b> de l’eau</p><p>fin</p>';
    const text = doc.body.textContent ?? '';
    const at = findQuote(text, { prefix: 'Le ', exact: 'cycle de l’eau', suffix: '' })!;
    const range = textRange(doc.body, at.start, at.end);
    expect(range?.toString(), 'the range holds exactly the quote').toBe('cycle de l’eau');
    expect(range?.startContainer.parentElement?.localName, 'it starts inside <b>').toBe('b');
    expect(textRange(doc.body, 0, text.length + 5), 'past the end: no range').toBeNull();
  });
});

const BOOK = 'f'.repeat(64);
const stroke = { tool: 'pen' as const, color: '#c62828', width: 0.004, points: [[0.1, 0.1], [0.4, 0.2]] as [number, number][] };

describe('ink on a fixed-layout page', () => {
  beforeEach(async () => {
    mockStore.reset();
    api.setBackend(mockBackend);
    const [p] = await api.listProfiles();
    await api.chooseProfile(p!.id, null);
  });

  it('stores a stroke on the spine index like a PDF stroke, and undo / redo take it away and back', async () => {
    const notes = new BookAnnotations(BOOK);
    await notes.load(7);
    const errors: unknown[] = [];
    const ink = new InkMode(notes, (page) => placeAnchor(page, `page:${page}`, 'xii'), (e) => errors.push(e));
    ink.on = true;
    expect(ink.tool, 'in ink mode the layers get the chosen tool').toBe(ink.settings);
    await ink.stroke(7, stroke);
    const [saved] = await api.listAnnotations(BOOK, 7);
    expect(saved?.kind).toBe('ink');
    expect(saved?.anchor, 'the anchor of a PDF stroke, on the spine index').toEqual({ type: 'place', page: 7, loc: 'page:7', label: 'xii', x: null, y: null });
    expect(saved?.ink?.points).toEqual(stroke.points);
    expect(ink.canUndo).toBe(true);

    ink.undo();
    await new Promise((r) => setTimeout(r, 20));
    expect(await api.listAnnotations(BOOK, 7), 'undo deletes the stroke').toEqual([]);
    expect(ink.canRedo).toBe(true);

    ink.redo();
    await new Promise((r) => setTimeout(r, 20));
    const again = await api.listAnnotations(BOOK, 7);
    expect(again.map((a) => a.ink?.points), 'redo stores it again').toEqual([stroke.points]);
    expect(again[0]!.id, 'as a new record: an id is never revived').not.toBe(saved!.id);
    expect(errors).toEqual([]);
    ink.on = false;
    expect(ink.tool, 'out of ink mode the layers only show').toBeNull();
  });
});

describe('the overlay of a fixed-layout page', () => {
  let app: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (app) unmount(app);
    app = null;
    document.body.innerHTML = '';
  });

  const highlight: Annotation = {
    id: 'h1', kind: 'highlight', book: BOOK, anchor: { type: 'epub', section: 3, href: 'p3.xhtml', cfi: 'epubcfi(/6/8!/4/2,/1:0,/1:5)', quote: { prefix: '', exact: 'pluie', suffix: '' } },
    color: 'green', style: 'highlight', text: null, label: null, highlight: null, ink: null, createdAt: 1, modifiedAt: 1,
  };

  it('draws each line of a highlight where the page is, and a click on it opens its popover', () => {
    const opened: string[] = [];
    app = mount(FixedPage, {
      target: document.body,
      props: {
        index: 3,
        box: { left: 20, top: 10, width: 300, height: 450 },
        highlights: [{ annotation: highlight, quads: [[0.1, 0.2, 0.5, 0.22], [0.1, 0.23, 0.3, 0.25]] }],
        onannotation: (a: Annotation) => opened.push(a.id),
      },
    });
    flushSync();
    const page = document.querySelector<HTMLElement>('[data-testid="epub-page-overlay"]')!;
    expect(page.dataset.section, 'the overlay names its spine index').toBe('3');
    expect([page.style.left, page.style.top, page.style.width, page.style.height]).toEqual(['20px', '10px', '300px', '450px']);
    const marks = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="annotation-highlight"]'));
    expect(marks, 'one box per line').toHaveLength(2);
    expect(marks[0]!.dataset.annotationId).toBe('h1');
    expect(marks[0]!.dataset.color).toBe('green');
    expect([marks[0]!.style.left, marks[0]!.style.top, marks[0]!.style.width]).toEqual(['10%', '20%', '40%']);
    marks[1]!.click();
    expect(opened).toEqual(['h1']);
    expect(document.querySelector('[data-testid="ink-canvas"]'), 'no strokes and no ink mode: no canvas over the page').toBeNull();
  });

  it('puts an ink canvas over the page in ink mode, named by the spine index', () => {
    app = mount(FixedPage, {
      target: document.body,
      props: { index: 4, box: { left: 0, top: 0, width: 300, height: 450 }, ink: { tool: 'pen', color: '#1d232a', width: 0.004 } },
    });
    flushSync();
    const canvas = document.querySelector<HTMLElement>('[data-testid="ink-canvas"]');
    expect(canvas?.dataset.page).toBe('4');
    expect(canvas?.classList.contains('active'), 'the canvas takes the pointer in ink mode').toBe(true);
  });
});
