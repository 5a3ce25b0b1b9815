import { hashClientKey } from '@relaymesh/secrets';
import { AdminTokens, mayUse } from './admin-access';

const FULL = 'rm-admin-full-token-0123456789';
const READER = 'rm-admin-reader-token-0123456789';
const OTHER_READER = 'rm-admin-other-reader-012345678';

describe('AdminTokens', () => {
  const tokens = new AdminTokens(hashClientKey(FULL), [
    hashClientKey(READER),
    hashClientKey(OTHER_READER),
  ]);

  it.each([
    [`Bearer ${FULL}`, 'full'],
    [`bearer   ${FULL}  `, 'full'],
    [`Bearer ${READER}`, 'read-only'],
    [`Bearer ${OTHER_READER}`, 'read-only'],
    [`Bearer ${FULL}x`, 'none'],
    [`Bearer ${READER.slice(0, -1)}`, 'none'],
    [FULL, 'none'],
    [`Basic ${FULL}`, 'none'],
    ['Bearer ', 'none'],
    [undefined, 'none'],
  ])('should grant %j %s access', (header, access) => {
    expect(tokens.accessOf(header)).toBe(access);
  });

  it('should grant no read-only access when none is configured', () => {
    expect(new AdminTokens(hashClientKey(FULL)).accessOf(`Bearer ${READER}`)).toBe('none');
  });
});

describe('mayUse', () => {
  it.each([
    ['full', 'GET', true],
    ['full', 'POST', true],
    ['full', 'DELETE', true],
    ['read-only', 'GET', true],
    ['read-only', 'head', true],
    ['read-only', 'POST', false],
    ['read-only', 'PUT', false],
    ['read-only', 'PATCH', false],
    ['read-only', 'DELETE', false],
    ['none', 'GET', false],
  ] as const)('should let %s access use %s: %s', (access, method, allowed) => {
    expect(mayUse(access, method)).toBe(allowed);
  });
});
