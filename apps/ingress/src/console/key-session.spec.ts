import { sessionKey, signSession, verifySession } from '../admin/admin-session';
import { keySessionKey, signKeySession, verifyKeySession } from './key-session';

const now = new Date('2026-11-23T10:00:00Z');
const HOUR = 3_600_000;
const key = keySessionKey('secret-key-of-this-deployment');

describe('key sessions', () => {
  it('should hold the key id it was signed for until it expires', () => {
    const value = signKeySession(key, 'key-1.with.dots', now, HOUR);
    expect(verifyKeySession(key, value, now)).toEqual({
      keyId: 'key-1.with.dots',
      expiresAt: new Date(now.getTime() + HOUR),
    });
    expect(verifyKeySession(key, value, new Date(now.getTime() + HOUR))).toBeNull();
  });

  it('should refuse a value tampered with, signed by another secret, or malformed', () => {
    const value = signKeySession(key, 'key-1', now, HOUR);
    const [version, , expiry, nonce, signature] = value.split('.');
    const otherId = Buffer.from('key-2').toString('base64url');
    expect(
      verifyKeySession(key, [version, otherId, expiry, nonce, signature].join('.'), now),
    ).toBeNull();
    expect(verifyKeySession(keySessionKey('another-secret'), value, now)).toBeNull();
    for (const bad of ['', 'k1', `${value}.x`, value.replace(/^k1/, 'v1'), value.slice(0, -2)]) {
      expect(verifyKeySession(key, bad, now)).toBeNull();
    }
  });

  it('should never pass for an operator session, nor an operator session for a key session', () => {
    const adminKey = sessionKey('secret-key-of-this-deployment', 'a'.repeat(64));
    const keyValue = signKeySession(key, 'key-1', now, HOUR);
    expect(verifySession(adminKey, keyValue, now, () => 'full')).toBeNull();
    const adminValue = signSession(adminKey, 'full', 'fingerprint', now, HOUR);
    expect(verifyKeySession(key, adminValue, now)).toBeNull();
  });
});
