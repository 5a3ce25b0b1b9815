import { loadRouterEnv } from './router.env';

const BASE = { RELAYMESH_SECRET_KEY: 'a-secret-key-of-enough-length' };

describe('loadRouterEnv: RELAYMESH_VARIANT_SUFFIXES', () => {
  it('should read a comma-separated list of standard suffixes, none by default', () => {
    expect(loadRouterEnv(BASE).variantSuffixes).toEqual([]);
    expect(
      loadRouterEnv({ ...BASE, RELAYMESH_VARIANT_SUFFIXES: '-thinking, -high,' }).variantSuffixes,
    ).toEqual(['-thinking', '-high']);
  });

  it('should refuse a suffix that is not a standard one at boot', () => {
    expect(() => loadRouterEnv({ ...BASE, RELAYMESH_VARIANT_SUFFIXES: '-ultra' })).toThrow(
      /RELAYMESH_VARIANT_SUFFIXES/,
    );
  });
});
