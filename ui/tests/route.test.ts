import { describe, expect, it } from 'vitest';
import { hashToRoute, routeToHash } from '../src/lib/route';

describe('routes in the address', () => {
  it('keeps the Catalogues view across a reload of the window', () => {
    expect(routeToHash({ name: 'catalogs' })).toBe('#/catalogues');
    expect(hashToRoute('#/catalogues')).toEqual({ name: 'catalogs' });
  });

  it('still reads the library and a book', () => {
    expect(hashToRoute('#/')).toEqual({ name: 'library' });
    expect(hashToRoute(routeToHash({ name: 'reader', id: 'ab' }))).toEqual({ name: 'reader', id: 'ab' });
  });
});
