// Folding text the way the core's search does (case and accents do not matter), keeping track of
// where each folded character came from so that a match can be placed back on the original.

const MARKS = /\p{M}+/gu;
const EXTRA: Record<string, string> = { œ: 'oe', Œ: 'oe', æ: 'ae', Æ: 'ae', ß: 'ss', ﬁ: 'fi', ﬂ: 'fl', ﬀ: 'ff', ﬃ: 'ffi', ﬄ: 'ffl', '’': "'", 'ʼ': "'" };

/** Folds one code point: lower case, no accents, ligatures spelled out. May be empty. */
export function foldChar(c: string): string {
  const extra = EXTRA[c];
  if (extra !== undefined) return extra;
  return c.normalize('NFD').replace(MARKS, '').toLowerCase();
}

export function fold(s: string): string {
  let out = '';
  for (const c of s) out += foldChar(c);
  return out;
}

/** A folded string and, for each of its UTF-16 units, the index of the code point it came from. */
export interface Folded {
  text: string;
  source: number[];
}

export function foldWithMap(s: string): Folded {
  let text = '';
  const source: number[] = [];
  let i = 0;
  for (const c of s) {
    const f = foldChar(c);
    text += f;
    for (let k = 0; k < f.length; k++) source.push(i);
    i++;
  }
  return { text, source };
}

const WORD = /[\p{L}\p{N}]/u;
export const isWordChar = (c: string | undefined): boolean => c !== undefined && WORD.test(c);
