import { describe, expect, it } from 'vitest';
import { lineQuads, pageText, pdfAnchor, quoteAround, quoteOf, textPoint } from '../src/lib/anchor';
import type { TextRun } from '../src/lib/types';

// Characters 0.01 of the page wide, runs 0.02 high.
function run(text: string, left: number, top: number): TextRun {
  const chars = Array.from(text);
  return { text, left, top, right: left + chars.length * 0.01, bottom: top + 0.02, edges: chars.map((_, i) => left + (i + 1) * 0.01) };
}

// Two runs on the first line (a gap between them), one on the second, one with an astral character.
const runs = [run('Le cycle ', 0.1, 0.1), run('de l’eau', 0.2, 0.1), run('La pluie tombe.', 0.1, 0.13), run('𝑥=2', 0.1, 0.16)];

describe('PDF anchors from a selection', () => {
  it('counts offsets in code points over the runs joined with no separator', () => {
    expect(pageText(runs)).toBe('Le cycle de l’eauLa pluie tombe.𝑥=2');
    // "cycle de" : run 0 offset 3 → run 1 offset 2
    const a = pdfAnchor(runs, { run: 0, offset: 3 }, { run: 1, offset: 2 }, 4, '12')!;
    expect(a.start, 'start = offset in run 0').toBe(3);
    expect(a.end, 'end = 9 characters of run 0 + 2 of run 1').toBe(11);
    expect(a.quote.exact).toBe('cycle de');
    expect(a.page).toBe(4);
    expect(a.label).toBe('12');
  });

  it('takes the selection backwards as well as forwards', () => {
    const a = pdfAnchor(runs, { run: 2, offset: 8 }, { run: 2, offset: 3 }, 0, null)!;
    expect([a.start, a.end]).toEqual([17 + 3, 17 + 8]);
    expect(a.quote.exact).toBe('pluie');
  });

  it('counts an astral character as one (the shell counts chars, not UTF-16 units)', () => {
    const a = pdfAnchor(runs, { run: 3, offset: 1 }, { run: 3, offset: 3 }, 0, null)!;
    expect(a.quote.exact).toBe('=2');
    expect(a.start).toBe(33);
    expect(a.end).toBe(35);
  });

  it('makes one quad per line, merging the runs of a line', () => {
    const quads = lineQuads(runs, 3, 17 + 5);
    expect(quads, 'two lines: "cycle de l’eau" and "La pl"').toHaveLength(2);
    const [first, second] = quads;
    expect(first![0]).toBeCloseTo(0.13); // "cycle" starts at the 4th character of run 0
    expect(first![2]).toBeCloseTo(0.28); // end of run 1 (8 characters from 0.2)
    expect(first![1]).toBeCloseTo(0.1);
    expect(first![3]).toBeCloseTo(0.12);
    expect(second![0]).toBeCloseTo(0.1);
    expect(second![2]).toBeCloseTo(0.15);
    expect(second![1]).toBeCloseTo(0.13);
  });

  it('keeps 32 characters of context around the quote, fewer at the page edges', () => {
    const text = 'a'.repeat(40) + 'MOT' + 'b'.repeat(40);
    const q = quoteOf(text, 40, 43);
    expect(q).toEqual({ prefix: 'a'.repeat(32), exact: 'MOT', suffix: 'b'.repeat(32) });
    const a = pdfAnchor(runs, { run: 0, offset: 0 }, { run: 0, offset: 2 }, 0, null)!;
    expect(a.quote.prefix, 'nothing before the first character').toBe('');
    expect(a.quote.suffix).toBe(' cycle de l’eauLa pluie tombe.𝑥=');
    expect(Array.from(a.quote.suffix)).toHaveLength(32);
  });

  it('refuses a selection of spaces alone', () => {
    expect(pdfAnchor(runs, { run: 0, offset: 8 }, { run: 0, offset: 9 }, 0, null)).toBeNull();
  });

  it('trims EPUB context to 32 characters on each side', () => {
    expect(quoteAround('x'.repeat(50) + 'avant ', 'mot', ' après' + 'y'.repeat(50))).toEqual({
      prefix: 'x'.repeat(26) + 'avant ',
      exact: 'mot',
      suffix: ' après' + 'y'.repeat(26),
    });
  });
});

describe('DOM boundaries of a selection in the text layer', () => {
  function layer() {
    const div = document.createElement('div');
    div.innerHTML = runs.map((r, i) => `<span data-run="${i}">${r.text}</span>`).join('<!---->');
    document.body.append(div);
    return div;
  }

  it('maps a text node offset (UTF-16) to a code point offset of its run', () => {
    const div = layer();
    const astral = div.querySelector('[data-run="3"]')!.firstChild!;
    expect(textPoint(div, astral, 2, 'start', runs), '𝑥 is two UTF-16 units, one character').toEqual({ run: 3, offset: 1 });
    div.remove();
  });

  it('maps a boundary between spans to the next run for a start, the previous run for an end', () => {
    const div = layer();
    const index = Array.from(div.childNodes).indexOf(div.querySelector('[data-run="1"]')!);
    expect(textPoint(div, div, index, 'start', runs)).toEqual({ run: 1, offset: 0 });
    expect(textPoint(div, div, index, 'end', runs)).toEqual({ run: 0, offset: 9 });
    div.remove();
  });

  it('clamps a selection that runs past the page to the page', () => {
    const div = layer();
    const after = document.createElement('p');
    after.textContent = 'page suivante';
    document.body.append(after);
    expect(textPoint(div, after.firstChild!, 3, 'end', runs)).toEqual({ run: 3, offset: 3 });
    div.remove();
    after.remove();
  });
});
