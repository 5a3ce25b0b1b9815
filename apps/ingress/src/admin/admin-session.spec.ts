import {
  SESSION_TTL_MS,
  SessionRole,
  cookieValue,
  csrfMatches,
  sessionCookie,
  sessionKey,
  signSession,
  tokenFingerprint,
  verifySession,
} from './admin-session';

const SECRET = 'c2VjcmV0LWtleS1mb3ItdGVzdHMtMDEyMzQ1Njc4OQ';
const ADMIN_HASH = 'a'.repeat(64);
const READER_HASH = 'b'.repeat(64);
const NOW = new Date('2026-03-01T10:00:00Z');

describe('console sessions', () => {
  const key = sessionKey(SECRET, ADMIN_HASH);
  const admin = tokenFingerprint(key, ADMIN_HASH);
  const reader = tokenFingerprint(key, READER_HASH);
  const roleOf = (fingerprint: string): SessionRole | null =>
    fingerprint === admin ? 'full' : fingerprint === reader ? 'read-only' : null;
  const later = (ms: number) => new Date(NOW.getTime() + ms);

  it('should verify a session it signed, with its role and expiry', () => {
    const value = signSession(key, 'full', admin, NOW);
    const session = verifySession(key, value, later(60_000), roleOf);
    expect(session).toMatchObject({
      role: 'full',
      fingerprint: admin,
      expiresAt: later(SESSION_TTL_MS),
    });
    expect(session?.csrf).toMatch(/^[\w-]{43}$/);
  });

  it('should give two sessions of the same token different values and CSRF values', () => {
    const one = signSession(key, 'full', admin, NOW);
    const two = signSession(key, 'full', admin, NOW);
    expect(one).not.toBe(two);
    expect(verifySession(key, one, NOW, roleOf)?.csrf).not.toBe(
      verifySession(key, two, NOW, roleOf)?.csrf,
    );
  });

  it('should refuse a session at and after its expiry', () => {
    const value = signSession(key, 'read-only', reader, NOW, 1_000);
    expect(verifySession(key, value, later(999), roleOf)?.role).toBe('read-only');
    expect(verifySession(key, value, later(1_000), roleOf)).toBeNull();
    expect(verifySession(key, value, later(SESSION_TTL_MS), roleOf)).toBeNull();
  });

  it.each([
    ['the role raised', (v: string) => v.replace('.read-only.', '.full.')],
    ['the expiry pushed back', (v: string) => v.replace(/\.(\d+)\./, (_m, e) => `.${+e + 1}.`)],
    ['the signature changed', (v: string) => `${v.slice(0, -2)}${v.endsWith('AA') ? 'BB' : 'AA'}`],
    ['the signature cut', (v: string) => v.slice(0, -1)],
    ['a part missing', (v: string) => v.split('.').slice(1).join('.')],
    ['a part added', (v: string) => `${v}.x`],
    ['another version', (v: string) => v.replace(/^v1\./, 'v2.')],
    ['nothing at all', () => ''],
  ])('should refuse a session with %s', (_what, tamper) => {
    const value = signSession(key, 'read-only', reader, NOW);
    expect(verifySession(key, value, NOW, roleOf)).not.toBeNull();
    expect(verifySession(key, tamper(value), NOW, roleOf)).toBeNull();
  });

  it('should refuse a session signed under another secret key or another admin token', () => {
    const value = signSession(key, 'full', admin, NOW);
    expect(verifySession(sessionKey(`${SECRET}x`, ADMIN_HASH), value, NOW, roleOf)).toBeNull();
    expect(verifySession(sessionKey(SECRET, 'c'.repeat(64)), value, NOW, roleOf)).toBeNull();
  });

  it('should refuse a session whose token is no longer configured, or now has another role', () => {
    const value = signSession(key, 'read-only', reader, NOW);
    expect(verifySession(key, value, NOW, () => null)).toBeNull();
    expect(verifySession(key, value, NOW, () => 'full')).toBeNull();
  });

  it('should match the CSRF value of its own session only', () => {
    const one = verifySession(key, signSession(key, 'full', admin, NOW), NOW, roleOf)!;
    const two = verifySession(key, signSession(key, 'full', admin, NOW), NOW, roleOf)!;
    expect(csrfMatches(one, one.csrf)).toBe(true);
    expect(csrfMatches(one, two.csrf)).toBe(false);
    expect(csrfMatches(one, undefined)).toBe(false);
    expect(csrfMatches(one, '')).toBe(false);
    expect(csrfMatches(one, [one.csrf])).toBe(false);
  });
});

describe('cookieValue', () => {
  it.each([
    ['relaymesh_session=abc', 'abc'],
    ['a=1; relaymesh_session=v1.x.y; b=2', 'v1.x.y'],
    ['relaymesh_session_other=1; relaymesh_session=2', '2'],
    ['xrelaymesh_session=1', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('should read %j as %j', (header, value) => {
    expect(cookieValue(header, 'relaymesh_session')).toBe(value);
  });
});

describe('sessionCookie', () => {
  it('should set an HttpOnly, SameSite=Strict cookie for the whole site, Secure over https', () => {
    expect(sessionCookie('v', { secure: false })).toBe(
      `relaymesh_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}`,
    );
    expect(sessionCookie('v', { secure: true, maxAgeMs: 5_000 })).toBe(
      'relaymesh_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=5; Secure',
    );
  });

  it('should clear the cookie when signing out', () => {
    expect(sessionCookie(null, { secure: false })).toBe(
      'relaymesh_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0',
    );
  });
});
