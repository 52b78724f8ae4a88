import { describe, expect, it } from 'vitest';
import { findInRun, highlightRects, markedTerms, queryTerms, rangeRect } from '../src/lib/highlight';
import { fold, foldWithMap } from '../src/lib/text';
import type { TextRun } from '../src/lib/types';

/** A run whose characters are each 0.01 of the page wide, starting at `left`. */
function run(text: string, left = 0.1, top = 0.2): TextRun {
  const n = Array.from(text).length;
  return { text, left, top, right: left + n * 0.01, bottom: top + 0.02, edges: Array.from({ length: n }, (_, i) => left + (i + 1) * 0.01) };
}

describe('folding', () => {
  it('ignores case and accents as the search index does', () => {
    expect(fold('Élève À L’ÉCOLE')).toBe("eleve a l'ecole");
    expect(fold('cœur')).toBe('coeur');
  });

  it('maps every folded unit back to the code point it came from', () => {
    const f = foldWithMap('Œuf é');
    expect(f.text).toBe('oeuf e');
    expect(f.source).toEqual([0, 0, 1, 2, 3, 4]);
  });
});

describe('query terms', () => {
  it('drops operators and quotes, keeps prefixes, splits elisions', () => {
    expect(queryTerms('"cycle de l\'eau" OR nuage*')).toEqual([
      { text: 'cycle', prefix: false },
      { text: 'de', prefix: false },
      { text: 'l', prefix: false },
      { text: 'eau', prefix: false },
      { text: 'nuage', prefix: true },
    ]);
  });

  it('keeps "or" when it is an ordinary lower-case word', () => {
    expect(queryTerms('or')).toEqual([{ text: 'or', prefix: false }]);
  });

  it('reads the words the index marked in a snippet', () => {
    expect(markedTerms('…la <mark>Fraction</mark> et les <mark>fractions</mark>, l&#39;<mark>Élève</mark>')).toEqual([
      { text: 'fraction', prefix: false },
      { text: 'fractions', prefix: false },
      { text: 'eleve', prefix: false },
    ]);
  });
});

describe('finding hits in text runs', () => {
  it('matches across case and accents on both sides', () => {
    expect(findInRun(run('LES ÉLÈVES ET UN ELEVE'), queryTerms('élève'))).toEqual([[17, 21]]);
    expect(findInRun(run('les élèves'), queryTerms('ELEVES'))).toEqual([[4, 9]]);
  });

  it('matches whole words only, unless the term is a prefix', () => {
    expect(findInRun(run('fraction fractions'), queryTerms('fraction'))).toEqual([[0, 7]]);
    expect(findInRun(run('fraction fractions'), queryTerms('fraction*'))).toEqual([[0, 7], [9, 17]]);
  });

  it('lands on the right characters when a ligature folds to two letters', () => {
    // "œ" is one character of the run but "oe" once folded.
    expect(findInRun(run('un cœur'), queryTerms('coeur'))).toEqual([[3, 6]]);
  });

  it('finds a word after an apostrophe', () => {
    expect(findInRun(run("l'eau douce"), queryTerms('eau'))).toEqual([[2, 4]]);
  });
});

describe('highlight rectangles', () => {
  it('spans from the previous character edge to the last character edge', () => {
    const r = run('abc def', 0.1, 0.3);
    const rect = rangeRect(r, 4, 6);
    expect(rect.left).toBeCloseTo(0.14);
    expect(rect.width).toBeCloseTo(0.03);
    expect(rect.top).toBeCloseTo(0.3);
    expect(rect.height).toBeCloseTo(0.02);
  });

  it('starts at the run left edge for the first character', () => {
    expect(rangeRect(run('abc', 0.5), 0, 0).left).toBeCloseTo(0.5);
  });

  it('gives one rectangle per occurrence on the page, none without terms', () => {
    const runs = [run('Le cycle de l’eau', 0.1, 0.1), run('eau salée, eau douce', 0.1, 0.2)];
    expect(highlightRects(runs, queryTerms('eau'))).toHaveLength(3);
    expect(highlightRects(runs, [])).toEqual([]);
  });
});
