// The console's way into the admin API, in the four-process shape with two ingress replicas: the page is served
// with its security headers; a sign-in sets an HttpOnly, SameSite=Strict cookie that either replica accepts
// (the session is signed, not stored); the cookie reads, writes only with the session's CSRF header, never
// writes for a read-only token, and stops working once expired or altered; the bearer token works as before;
// failed sign-ins (operator and key holder alike) are bounded per client address, then 429 with Retry-After.
import { Deployment, startDeployment } from '@relaymesh/testing';
import { randomBytes } from 'node:crypto';

const READER = 'rm-admin-reader-console-0123456789';
const TTL_S = 3;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

describe('console session (two ingress replicas)', () => {
  let relay: Deployment;

  const call = async (
    base: string,
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // the page and its assets are not JSON
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  /** Signs in with `token`; the cookie to send back and the session's CSRF value. */
  const signIn = async (token: string, base = relay.url) => {
    const answer = await call(base, 'POST', '/console/session', {}, { token });
    expect(answer.status).toBe(200);
    const setCookie = answer.headers.get('set-cookie') ?? '';
    const cookie = /^(relaymesh_session=[^;]+)/.exec(setCookie)?.[1];
    expect(cookie).toBeDefined();
    return { setCookie, cookie: cookie!, ...(answer.body as { role: string; csrf: string }) };
  };

  const keyNames = async () =>
    ((await relay.admin<{ data: { name: string }[] }>('GET', '/keys')).body.data ?? [])
      .map((key) => key.name)
      .sort();

  beforeAll(async () => {
    relay = await startDeployment('distributed', {
      label: 'console_session',
      ingressReplicas: 2,
      env: {
        RELAYMESH_ADMIN_READONLY_TOKENS: READER,
        RELAYMESH_CONSOLE_SESSION_TTL_S: String(TTL_S),
        // Both replicas must share it (they do in any deployment): the session key is derived from it.
        RELAYMESH_SECRET_KEY: randomBytes(32).toString('base64'),
        RELAYMESH_TRUSTED_PROXIES: '127.0.0.1/32',
      },
    });
  });

  afterAll(() => relay?.stop());

  it('should serve the console with a strict CSP, a revalidated page and immutable hashed assets', async () => {
    for (const path of ['/console', '/console/channels']) {
      const page = await call(relay.url, 'GET', path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      // No inline script for the CSP to refuse: the app is one hashed module.
      expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    const page = (await call(relay.url, 'GET', '/console')).body as string;
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toMatch(/-[\w-]{8}\.js$/);
    const asset = await call(relay.ingressUrls[1], 'GET', script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await call(relay.url, 'GET', '/console/assets/index-00000000.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { message: expect.any(String) } });
  });

  it('should refuse a sign-in with any other token, setting no cookie', async () => {
    for (const token of ['rm-admin-not-the-token-0123456789', '', relay.adminToken.toUpperCase()]) {
      const answer = await call(relay.url, 'POST', '/console/session', {}, { token });
      expect([400, 401]).toContain(answer.status);
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
    expect((await call(relay.url, 'GET', '/console/session')).status).toBe(401);
  });

  it('should set an HttpOnly, SameSite=Strict cookie, Secure only over https', async () => {
    const plain = await signIn(relay.adminToken);
    expect(plain.setCookie).toMatch(/; Path=\/(;|$)/);
    expect(plain.setCookie).toMatch(/; HttpOnly(;|$)/);
    expect(plain.setCookie).toMatch(/; SameSite=Strict(;|$)/);
    expect(plain.setCookie).toMatch(new RegExp(`; Max-Age=${TTL_S}(;|$)`));
    expect(plain.setCookie).not.toMatch(/Secure/);
    // Behind a TLS-terminating proxy (trusted): the browser came over https.
    const proxied = await call(
      relay.url,
      'POST',
      '/console/session',
      { 'x-forwarded-proto': 'https' },
      { token: relay.adminToken },
    );
    expect(proxied.headers.get('set-cookie')).toMatch(/; Secure(;|$)/);
  });

  it('should keep the bearer token working as before', async () => {
    const answer = await call(
      relay.url,
      'POST',
      '/admin/keys',
      { authorization: `Bearer ${relay.adminToken}` },
      { name: 'by-bearer' },
    );
    expect(answer.status).toBe(201);
    expect((await call(relay.url, 'GET', '/admin/keys')).status).toBe(401);
  });

  it('should let an admin session read on either replica, and write only with its CSRF header', async () => {
    const session = await signIn(relay.adminToken);
    expect(session.role).toBe('full');
    for (const base of relay.ingressUrls) {
      const read = await call(base, 'GET', '/admin/keys', { cookie: session.cookie });
      expect(read.status).toBe(200);
      expect(
        (await call(base, 'GET', '/console/session', { cookie: session.cookie })).body,
      ).toEqual({
        role: 'full',
        expires_at: expect.any(String),
        csrf: session.csrf,
      });
    }
    const before = await keyNames();
    const other = await signIn(relay.adminToken, relay.ingressUrls[1]);
    for (const csrf of [undefined, '', other.csrf, `${session.csrf}x`]) {
      const refused = await call(
        relay.ingressUrls[1],
        'POST',
        '/admin/keys',
        { cookie: session.cookie, ...(csrf === undefined ? {} : { 'x-relaymesh-csrf': csrf }) },
        { name: 'without-csrf' },
      );
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({
        error: { message: expect.stringMatching(/x-relaymesh-csrf/) },
      });
    }
    expect(await keyNames()).toEqual(before);
    const written = await call(
      relay.ingressUrls[1],
      'POST',
      '/admin/keys',
      { cookie: session.cookie, 'x-relaymesh-csrf': session.csrf },
      { name: 'by-console' },
    );
    expect(written.status).toBe(201);
    expect(await keyNames()).toEqual([...before, 'by-console'].sort());
  });

  it('should let a read-only session read, and never write, CSRF header or not', async () => {
    const session = await signIn(READER);
    expect(session.role).toBe('read-only');
    expect(
      (await call(relay.url, 'GET', '/admin/channels', { cookie: session.cookie })).status,
    ).toBe(200);
    const before = await keyNames();
    for (const [method, path] of [
      ['POST', '/admin/keys'],
      ['PUT', '/admin/models/some-model'],
      ['DELETE', '/admin/keys/00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const refused = await call(
        relay.url,
        method,
        path,
        { cookie: session.cookie, 'x-relaymesh-csrf': session.csrf },
        { name: 'by-a-reader', input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
      );
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: { message: expect.stringMatching(/read-only/) } });
    }
    expect(await keyNames()).toEqual(before);
  });

  it('should refuse a tampered cookie', async () => {
    const reader = await signIn(READER);
    const parts = reader.cookie.split('.');
    const tampered = [
      reader.cookie.replace('.read-only.', '.full.'),
      [...parts.slice(0, 3), String(Number(parts[3]) + 3600), ...parts.slice(4)].join('.'),
      `${reader.cookie.slice(0, -4)}AAAA`,
      'relaymesh_session=v1.full.x.9999999999.y.z',
    ];
    for (const cookie of tampered) {
      expect((await call(relay.url, 'GET', '/admin/keys', { cookie })).status).toBe(401);
      expect((await call(relay.url, 'GET', '/console/session', { cookie })).status).toBe(401);
    }
  });

  it('should refuse a session once it has expired', async () => {
    const session = await signIn(relay.adminToken);
    expect((await call(relay.url, 'GET', '/admin/keys', { cookie: session.cookie })).status).toBe(
      200,
    );
    // Waiting out the lifetime is the point here (not an event to await): the session must lapse by itself.
    await new Promise((done) => setTimeout(done, TTL_S * 1000 + 1100));
    expect((await call(relay.url, 'GET', '/admin/keys', { cookie: session.cookie })).status).toBe(
      401,
    );
    expect(
      (await call(relay.url, 'GET', '/console/session', { cookie: session.cookie })).status,
    ).toBe(401);
  });

  it('should clear the cookie on sign-out', async () => {
    const session = await signIn(relay.adminToken);
    const out = await call(relay.url, 'DELETE', '/console/session', { cookie: session.cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^relaymesh_session=; .*Max-Age=0/);
  });

  it('should bound failed sign-ins per client address, then refuse even the right token with 429 and Retry-After', async () => {
    // The balancer in front (a trusted proxy here) names each client: two addresses, two budgets.
    const guesser = { 'x-forwarded-for': '198.51.100.7' };
    for (let i = 0; i < 10; i += 1) {
      const guess = { token: `rm-admin-guess-${i}-0123456789` };
      expect((await call(relay.url, 'POST', '/console/session', guesser, guess)).status).toBe(401);
    }
    const refused = await call(relay.url, 'POST', '/console/session', guesser, {
      token: relay.adminToken,
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('set-cookie')).toBeNull();
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(300);
    expect(refused.body).toEqual({
      error: expect.objectContaining({
        message: expect.stringContaining('Too many failed sign-ins from this address'),
      }),
    });
    // One budget for both sign-ins: the key holder's is closed to the address too.
    const asKeyHolder = await call(relay.url, 'POST', '/console/api/key/session', guesser, {
      key: 'sk-guess-0123456789',
    });
    expect(asKeyHolder.status).toBe(429);
    // Another address is not held back.
    const other = await call(
      relay.url,
      'POST',
      '/console/session',
      { 'x-forwarded-for': '198.51.100.8' },
      { token: relay.adminToken },
    );
    expect(other.status).toBe(200);
  });

  it("should count the key holder's failed sign-ins in the same budget", async () => {
    const guesser = { 'x-forwarded-for': '198.51.100.9' };
    for (let i = 0; i < 10; i += 1) {
      const guess = { key: `sk-guess-${i}-0123456789` };
      const answer = await call(relay.url, 'POST', '/console/api/key/session', guesser, guess);
      expect(answer.status).toBe(401);
    }
    const refused = await call(relay.url, 'POST', '/console/session', guesser, {
      token: relay.adminToken,
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
