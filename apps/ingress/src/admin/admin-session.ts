// The admin session the console signs in to, as pure functions: a stateless signed cookie, so that any ingress
// replica accepts a session another one issued, with nothing stored and nothing to share but configuration.
//
//   cookie value = v1.<role>.<token fingerprint>.<expiry, unix seconds>.<nonce>.<HMAC-SHA256 of the rest>
//
// The key is derived from the secret key and the admin token's hash, so rotating either ends every session.
// The fingerprint names which token signed in (the admin token or one read-only token), so removing a read-only
// token ends the sessions it opened. The CSRF value is a second HMAC of the whole cookie: the page reads it from
// GET /console/session and sends it back in a header on every write, which a cross-site form cannot do.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type SessionRole = 'full' | 'read-only';

export const SESSION_COOKIE = 'relaymesh_session';
export const CSRF_HEADER = 'x-relaymesh-csrf';
/** How long a session lasts: a working day, after which the operator signs in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const VERSION = 'v1';

export interface Session {
  role: SessionRole;
  /** Which token opened it (tokenFingerprint of its hash). */
  fingerprint: string;
  expiresAt: Date;
  /** The value a write must carry in the CSRF header. */
  csrf: string;
}

function mac(key: Buffer, purpose: string, text: string): string {
  return createHmac('sha256', key).update(`${purpose}\n${text}`).digest('base64url');
}

/** The signing key: rotating the secret key or the admin token invalidates every session. */
export function sessionKey(secretKey: string, adminTokenHash: string): Buffer {
  return createHmac('sha256', secretKey)
    .update(`relaymesh console session\n${adminTokenHash}`)
    .digest();
}

/** A short, keyed name for a token (given as its SHA-256 hex): says which token, reveals nothing of it. */
export function tokenFingerprint(key: Buffer, tokenHash: string): string {
  return mac(key, 'token', tokenHash).slice(0, 16);
}

/** The cookie value of a new session. */
export function signSession(
  key: Buffer,
  role: SessionRole,
  fingerprint: string,
  now: Date,
  ttlMs: number = SESSION_TTL_MS,
  nonce: string = randomBytes(12).toString('base64url'),
): string {
  const expiry = Math.floor((now.getTime() + ttlMs) / 1000);
  const body = [VERSION, role, fingerprint, String(expiry), nonce].join('.');
  return `${body}.${mac(key, 'session', body)}`;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The session a cookie value holds, or null when it is malformed, tampered with, signed by another key, expired,
 * or opened by a token that is no longer configured (`roleOf` answers null for its fingerprint).
 */
export function verifySession(
  key: Buffer,
  value: string,
  now: Date,
  roleOf: (fingerprint: string) => SessionRole | null,
): Session | null {
  const parts = value.split('.');
  if (parts.length !== 6) return null;
  const [version, role, fingerprint, expiry, nonce, signature] = parts;
  if (version !== VERSION || (role !== 'full' && role !== 'read-only')) return null;
  if (!/^\d{1,12}$/.test(expiry) || nonce === '') return null;
  const body = parts.slice(0, 5).join('.');
  if (!sameText(signature, mac(key, 'session', body))) return null;
  const expiresAt = new Date(Number(expiry) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return null;
  // The role the token has now: a signed role never outlives a change of the token it came from.
  if (roleOf(fingerprint) !== role) return null;
  return { role, fingerprint, expiresAt, csrf: mac(key, 'csrf', value) };
}

/** Whether a write's CSRF header matches its session. */
export function csrfMatches(session: Session, header: string | string[] | undefined): boolean {
  return typeof header === 'string' && sameText(header, session.csrf);
}

/** One cookie's value from a Cookie header (the first of that name), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * The Set-Cookie header for a session (or, with `value` null, one that clears it): HttpOnly so no script reads
 * it, SameSite=Strict so no other site sends it, Secure when the page came over https. `name`: another session's
 * cookie (the key holder's, console/key-session.ts), with the same protections.
 */
export function sessionCookie(
  value: string | null,
  options: { secure: boolean; maxAgeMs?: number; name?: string },
): string {
  const maxAge = value === null ? 0 : Math.floor((options.maxAgeMs ?? SESSION_TTL_MS) / 1000);
  return [
    `${options.name ?? SESSION_COOKIE}=${value ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAge}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
