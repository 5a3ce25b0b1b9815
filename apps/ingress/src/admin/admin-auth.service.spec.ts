import { hashClientKey } from '@relaymesh/secrets';
import type { FastifyRequest } from 'fastify';
import { loadIngressEnv } from '../config/ingress.env';
import { AdminAuth } from './admin-auth.service';
import { SESSION_TTL_MS, sessionKey, signSession, tokenFingerprint } from './admin-session';

const ADMIN = 'rm-admin-unit-0123456789abcdef';
const READER = 'rm-reader-unit-0123456789abcdef';
const SECRET = 'dW5pdC10ZXN0LXNlY3JldC1rZXktMDEyMzQ1Njc4OQ';
const NOW = new Date('2026-03-01T10:00:00Z');

function request(method: string, headers: Record<string, string>): FastifyRequest {
  return { method, headers } as unknown as FastifyRequest;
}

describe('AdminAuth', () => {
  const auth = new AdminAuth(
    loadIngressEnv({
      RELAYMESH_SECRET_KEY: SECRET,
      RELAYMESH_ADMIN_TOKEN: ADMIN,
      RELAYMESH_ADMIN_READONLY_TOKENS: READER,
    }),
  );
  const signedIn = (token: string) => {
    const value = auth.signIn(token, NOW)!;
    return { cookie: `relaymesh_session=${value}`, csrf: auth.verify(value, NOW)!.csrf };
  };

  it('should open a session for the admin and read-only tokens only', () => {
    expect(auth.verify(auth.signIn(ADMIN, NOW)!, NOW)?.role).toBe('full');
    expect(auth.verify(auth.signIn(READER, NOW)!, NOW)?.role).toBe('read-only');
    expect(auth.signIn(`${ADMIN}x`, NOW)).toBeNull();
    expect(auth.signIn('', NOW)).toBeNull();
  });

  it('should decide bearer tokens as before, whatever cookie comes with them', () => {
    const { cookie } = signedIn(ADMIN);
    expect(auth.decide(request('POST', { authorization: `Bearer ${ADMIN}` }), NOW)).toEqual({
      allowed: true,
      access: 'full',
    });
    expect(
      auth.decide(request('POST', { authorization: `Bearer ${READER}`, cookie }), NOW),
    ).toMatchObject({ allowed: false, status: 403 });
    expect(
      auth.decide(request('GET', { authorization: 'Bearer wrong-token-0123456789', cookie }), NOW),
    ).toMatchObject({ allowed: false, status: 401 });
  });

  it('should let an admin session read, and write only with its CSRF value', () => {
    const { cookie, csrf } = signedIn(ADMIN);
    const other = signedIn(ADMIN);
    expect(auth.decide(request('GET', { cookie }), NOW)).toEqual({ allowed: true, access: 'full' });
    expect(auth.decide(request('DELETE', { cookie }), NOW)).toMatchObject({
      allowed: false,
      status: 403,
      message: expect.stringMatching(/x-relaymesh-csrf/),
    });
    expect(
      auth.decide(request('POST', { cookie, 'x-relaymesh-csrf': other.csrf }), NOW),
    ).toMatchObject({ allowed: false, status: 403 });
    expect(auth.decide(request('PATCH', { cookie, 'x-relaymesh-csrf': csrf }), NOW)).toEqual({
      allowed: true,
      access: 'full',
    });
  });

  it('should let a read-only session read and never write', () => {
    const { cookie, csrf } = signedIn(READER);
    expect(auth.decide(request('GET', { cookie }), NOW)).toEqual({
      allowed: true,
      access: 'read-only',
    });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(auth.decide(request(method, { cookie, 'x-relaymesh-csrf': csrf }), NOW)).toMatchObject(
        { allowed: false, status: 403, message: expect.stringMatching(/read-only/) },
      );
    }
  });

  it('should refuse an expired, forged or absent session with 401', () => {
    const { cookie } = signedIn(ADMIN);
    const later = new Date(NOW.getTime() + SESSION_TTL_MS);
    expect(auth.decide(request('GET', { cookie }), later)).toMatchObject({ status: 401 });
    // Signed with a key derived from another secret: what an attacker without the secret key can make.
    const key = sessionKey('another-secret-key-0123456789', hashClientKey(ADMIN));
    const forged = signSession(key, 'full', tokenFingerprint(key, hashClientKey(ADMIN)), NOW);
    expect(
      auth.decide(request('GET', { cookie: `relaymesh_session=${forged}` }), NOW),
    ).toMatchObject({ status: 401 });
    expect(auth.decide(request('GET', {}), NOW)).toMatchObject({ status: 401 });
  });

  it('should end the sessions of a read-only token once it is no longer configured', () => {
    const value = auth.signIn(READER, NOW)!;
    const without = new AdminAuth(
      loadIngressEnv({ RELAYMESH_SECRET_KEY: SECRET, RELAYMESH_ADMIN_TOKEN: ADMIN }),
    );
    expect(auth.verify(value, NOW)?.role).toBe('read-only');
    expect(without.verify(value, NOW)).toBeNull();
  });
});
