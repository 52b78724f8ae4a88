import { describe, expect, it } from 'vitest';
import { cleanPath } from '../src/lib/paths';

describe('a pasted file path', () => {
  it('loses quotes and spaces a file manager adds when copying', () => {
    expect(cleanPath('  "/home/eleve/Mes manuels/maths.pdf" ')).toBe('/home/eleve/Mes manuels/maths.pdf');
    expect(cleanPath("'/tmp/a.epub'")).toBe('/tmp/a.epub');
  });

  it('turns a file:// URL into the path it names', () => {
    expect(cleanPath('file:///home/eleve/Mes%20manuels/%C3%A9l%C3%A8ve.pdf')).toBe('/home/eleve/Mes manuels/élève.pdf');
    expect(cleanPath('file:///C:/Users/eleve/livre.pdf')).toBe('C:/Users/eleve/livre.pdf');
  });
});
