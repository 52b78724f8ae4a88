import { describe, expect, it } from 'vitest';
import { runStyles } from '../src/lib/textlayer';

describe('text layer spans', () => {
  // A font where every character is half an em wide.
  const measure = (t: string) => Array.from(t).length * 0.5;

  it('sizes the font to the run height and stretches it to the printed width', () => {
    // A4 portrait: width / height = 0.707. The run is 0.02 of the page high and 0.2 wide.
    const [s] = runStyles([{ text: 'abcdefghij', left: 0.1, top: 0.3, right: 0.3, bottom: 0.32, edges: [] }], 0.707, measure);
    expect(s!.fontSize).toBeCloseTo(0.02);
    // Natural width: 10 chars × 0.5 em × 0.02 = 0.1 page heights; printed: 0.2 × 0.707 = 0.1414.
    expect(s!.scaleX).toBeCloseTo(1.414, 2);
    expect(s!.left).toBe(0.1);
    expect(s!.top).toBe(0.3);
  });

  it('keeps the scale sane for degenerate runs', () => {
    const [s] = runStyles([{ text: 'x', left: 0.1, top: 0.1, right: 0.1, bottom: 0.1, edges: [] }], 1, measure);
    expect(s!.scaleX).toBeGreaterThanOrEqual(0.2);
    expect(Number.isFinite(s!.fontSize)).toBe(true);
  });
});

describe('cached text layer styles', () => {
  it('measures a page once per aspect and font', async () => {
    const { cachedStyles } = await import('../src/lib/textlayer');
    const runs = [{ text: 'abc', left: 0.1, top: 0.1, right: 0.2, bottom: 0.12, edges: [] }];
    const first = cachedStyles(runs, 0.7, 'sans-serif');
    expect(cachedStyles(runs, 0.7, 'sans-serif')).toBe(first);
    expect(cachedStyles(runs, 0.8, 'sans-serif')).not.toBe(first);
    expect(cachedStyles([...runs], 0.8, 'sans-serif')).toEqual(cachedStyles(runs, 0.8, 'sans-serif'));
  });
});
