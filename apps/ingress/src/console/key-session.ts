// The key holder's session (/console/key), as pure functions: a stateless signed cookie like the operator's
// (admin/admin-session.ts), but a different cookie, a different signing key and a different shape, so neither
// can ever pass for the other: the operator's check wants `v1.<full|read-only>...` signed with the admin session
// key; this one is `k1.<key id>...` signed with a key derived for key sessions only. It names one client key
// and grants nothing but that key's own reads under /console/api/key.
//
//   cookie value = k1.<key id, base64url>.<expiry, unix seconds>.<nonce>.<HMAC-SHA256 of the rest>
//
// The session does not say the key is still good: every request reads the key again and checks it as the data
// plane does (key-console.service.ts), so disabling, expiring or deleting the key ends its sessions at once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_SESSION_COOKIE = 'relaymesh_key_session';

const VERSION = 'k1';

export interface KeySession {
  keyId: string;
  expiresAt: Date;
}

function mac(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(`key session\n${text}`).digest('base64url');
}

/** The signing key of key sessions: rotating the secret key ends every one. */
export function keySessionKey(secretKey: string): Buffer {
  return createHmac('sha256', secretKey).update('relaymesh console key session').digest();
}

/** The cookie value of a new session for the key `keyId`. */
export function signKeySession(
  key: Buffer,
  keyId: string,
  now: Date,
  ttlMs: number,
  nonce: string = randomBytes(12).toString('base64url'),
): string {
  const expiry = Math.floor((now.getTime() + ttlMs) / 1000);
  const body = [VERSION, Buffer.from(keyId).toString('base64url'), String(expiry), nonce].join('.');
  return `${body}.${mac(key, body)}`;
}

/** The session a cookie value holds, or null when it is malformed, tampered with, signed by another key or expired. */
export function verifyKeySession(key: Buffer, value: string, now: Date): KeySession | null {
  const parts = value.split('.');
  if (parts.length !== 5) return null;
  const [version, encodedId, expiry, nonce, signature] = parts;
  if (version !== VERSION || !/^\d{1,12}$/.test(expiry) || nonce === '' || encodedId === '') {
    return null;
  }
  const expected = Buffer.from(mac(key, parts.slice(0, 4).join('.')));
  const presented = Buffer.from(signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  const expiresAt = new Date(Number(expiry) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return null;
  return { keyId: Buffer.from(encodedId, 'base64url').toString(), expiresAt };
}
