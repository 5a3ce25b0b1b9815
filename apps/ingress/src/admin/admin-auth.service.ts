// Who is calling the admin API: a bearer token (the API's own way, unchanged), or else the console's session
// cookie, which opens the same API with the same rights; a write under a cookie must also carry the session's
// CSRF value in a header, since a browser sends cookies with requests other sites cause.
import { Injectable } from '@nestjs/common';
import { hashClientKey } from '@relaymesh/secrets';
import type { FastifyRequest } from 'fastify';
import { IngressEnv } from '../config/ingress.env';
import { AdminAccess, AdminTokens, mayUse } from './admin-access';
import {
  CSRF_HEADER,
  SESSION_COOKIE,
  Session,
  SessionRole,
  cookieValue,
  csrfMatches,
  sessionKey,
  signSession,
  tokenFingerprint,
  verifySession,
} from './admin-session';

export type AdminDecision =
  | { allowed: true; access: Exclude<AdminAccess, 'none'> }
  | { allowed: false; status: 401 | 403; message: string };

@Injectable()
export class AdminAuth {
  private readonly tokens: AdminTokens;
  private readonly key: Buffer;
  /** Fingerprint → role of every configured token: a session lives only as long as its token does. */
  private readonly roles: ReadonlyMap<string, SessionRole>;
  /** How long a new session lasts. */
  readonly ttlMs: number;

  constructor(env: IngressEnv) {
    this.ttlMs = env.consoleSessionTtlMs;
    this.tokens = new AdminTokens(env.adminTokenHash, env.adminReadOnlyTokenHashes);
    this.key = sessionKey(env.secretKey, env.adminTokenHash);
    this.roles = new Map<string, SessionRole>([
      ...env.adminReadOnlyTokenHashes.map(
        (hash) => [tokenFingerprint(this.key, hash), 'read-only'] as const,
      ),
      [tokenFingerprint(this.key, env.adminTokenHash), 'full'],
    ]);
  }

  /** Whether this request may do what it asks of the admin API. */
  decide(request: FastifyRequest, now: Date): AdminDecision {
    const bearer = request.headers.authorization;
    const session = bearer === undefined ? this.sessionOf(request, now) : null;
    const access: AdminAccess = session ? session.role : this.tokens.accessOf(bearer);
    if (access === 'none') {
      return { allowed: false, status: 401, message: 'Missing or invalid admin token.' };
    }
    if (!mayUse(access, request.method)) {
      return {
        allowed: false,
        status: 403,
        message: 'This admin token is read-only: it may only read (GET).',
      };
    }
    const writes = !mayUse('read-only', request.method);
    if (session && writes && !csrfMatches(session, request.headers[CSRF_HEADER])) {
      return {
        allowed: false,
        status: 403,
        message: `A write with a console session needs its ${CSRF_HEADER} header (GET /console/session).`,
      };
    }
    return { allowed: true, access };
  }

  /** The session of the request's cookie, if it holds a valid one. */
  sessionOf(request: FastifyRequest, now: Date): Session | null {
    const value = cookieValue(request.headers.cookie, SESSION_COOKIE);
    return value ? this.verify(value, now) : null;
  }

  /** The session a cookie value holds, if it is valid now. */
  verify(value: string, now: Date): Session | null {
    return verifySession(
      this.key,
      value,
      now,
      (fingerprint) => this.roles.get(fingerprint) ?? null,
    );
  }

  /** A new session's cookie value for an admin or read-only token, or null for any other token. */
  signIn(token: string, now: Date): string | null {
    const access = this.tokens.accessOfToken(token);
    if (access === 'none') return null;
    const fingerprint = tokenFingerprint(this.key, hashClientKey(token));
    return signSession(this.key, access, fingerprint, now, this.ttlMs);
  }
}
