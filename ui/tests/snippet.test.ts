import { describe, expect, it } from 'vitest';
import { safeSnippet } from '../src/lib/snippet';

describe('note snippets', () => {
  it('keeps <mark> and the entities the shell escaped', () => {
    expect(safeSnippet('le <mark>cycle</mark> de l&#39;eau &amp; la pluie')).toBe('le <mark>cycle</mark> de l&#39;eau &amp; la pluie');
  });

  it('escapes any other markup', () => {
    expect(safeSnippet('<img src=x onerror=alert(1)><mark>mot</mark>')).toBe('&lt;img src=x onerror=alert(1)&gt;<mark>mot</mark>');
    expect(safeSnippet('<mark onclick="x">mot</mark>'), 'a mark with attributes is not a mark').toBe('&lt;mark onclick=&quot;x&quot;&gt;mot');
    expect(safeSnippet('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes a bare ampersand and balances marks', () => {
    expect(safeSnippet('A & B <mark>C')).toBe('A &amp; B <mark>C</mark>');
    expect(safeSnippet('</mark>D')).toBe('D');
  });

  it('renders in the DOM with marks as the only elements', () => {
    const div = document.createElement('div');
    div.innerHTML = safeSnippet('<b>gras</b> <mark>mot</mark> <iframe></iframe>');
    expect(Array.from(div.querySelectorAll('*'), (e) => e.tagName)).toEqual(['MARK']);
    expect(div.textContent).toBe('<b>gras</b> mot <iframe></iframe>');
  });
});
