// Who gets into the admin API (embedded mode, the same ingress code as every deployment): every route refuses
// without the admin token; a read-only admin token (RELAYMESH_ADMIN_READONLY_TOKENS) reads every GET route and
// is refused every write with 403 in the admin envelope, changing nothing; CORS is off for /admin, so a browser
// on another origin is never allowed to call it (a preflight gets no access-control-allow-* header).
import { Deployment, startDeployment } from '@relaymesh/testing';

const READER = 'rm-admin-reader-0123456789abcdef';
const OTHER_READER = 'rm-admin-dashboard-0123456789abcd';

/** Every admin route of CONTRACT §2 (ids need not exist: authorisation comes first). */
const ROUTES: readonly [method: string, path: string][] = [
  ['POST', '/channels'],
  ['GET', '/channels'],
  ['GET', '/channels/00000000-0000-4000-8000-000000000000'],
  ['PATCH', '/channels/00000000-0000-4000-8000-000000000000'],
  ['DELETE', '/channels/00000000-0000-4000-8000-000000000000'],
  ['POST', '/channels/00000000-0000-4000-8000-000000000000/test'],
  ['GET', '/channels/00000000-0000-4000-8000-000000000000/transitions'],
  ['POST', '/keys'],
  ['GET', '/keys'],
  ['GET', '/keys/00000000-0000-4000-8000-000000000000'],
  ['PATCH', '/keys/00000000-0000-4000-8000-000000000000'],
  ['DELETE', '/keys/00000000-0000-4000-8000-000000000000'],
  ['POST', '/keys/00000000-0000-4000-8000-000000000000/credit'],
  ['PUT', '/models/some-model'],
  ['GET', '/models'],
  ['DELETE', '/models/some-model'],
  ['GET', '/usage'],
];
const WRITES = ROUTES.filter(([method]) => method !== 'GET');
const READS = ROUTES.filter(([method]) => method === 'GET');

describe('admin API access (embedded)', () => {
  let relay: Deployment;

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${relay.url}/admin${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as unknown };
  };

  /** What the admin API holds: a write that got through would change it. */
  const everything = async () =>
    Promise.all(
      ['/channels', '/keys', '/models'].map(async (path) => (await relay.admin('GET', path)).body),
    );

  beforeAll(async () => {
    relay = await startDeployment('embedded', {
      label: 'admin_access',
      env: { RELAYMESH_ADMIN_READONLY_TOKENS: `${READER}, ${OTHER_READER}` },
    });
    const created = await relay.admin('POST', '/keys', { name: 'existing' });
    expect(created.status).toBe(201);
  });

  afterAll(() => relay?.stop());

  it.each(ROUTES)(
    'should refuse %s /admin%s without a token or with a wrong one',
    async (method, path) => {
      for (const token of [undefined, 'rm-admin-not-the-token-0123456789', READER.toUpperCase()]) {
        const answer = await call(method, path, token, method === 'GET' ? undefined : {});
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ error: { message: expect.any(String) } });
      }
    },
  );

  it.each(READS)('should let a read-only token %s /admin%s', async (method, path) => {
    const answer = await call(method, path, READER);
    // Authorised: the owning app answered (200, or 404 for an id that does not exist).
    expect([200, 404]).toContain(answer.status);
    expect((await call(method, path, relay.adminToken)).status).toBe(answer.status);
  });

  it.each(WRITES)(
    'should refuse %s /admin%s to a read-only token with 403, changing nothing',
    async (method, path) => {
      const before = await everything();
      for (const token of [READER, OTHER_READER]) {
        const answer = await call(method, path, token, { name: 'written-by-a-reader' });
        expect(answer.status).toBe(403);
        expect(answer.body).toEqual({ error: { message: expect.stringMatching(/read-only/) } });
      }
      expect(await everything()).toEqual(before);
    },
  );

  it('should read the data a full token wrote, and still let the full token write', async () => {
    const written = await call('POST', '/keys', relay.adminToken, { name: 'by-the-admin' });
    expect(written.status).toBe(201);
    const id = (written.body as { id: string }).id;
    const read = await call('GET', `/keys/${id}`, READER);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, name: 'by-the-admin' });
  });

  it('should answer a cross-origin preflight to /admin without any CORS permission', async () => {
    for (const method of ['POST', 'GET', 'DELETE']) {
      const res = await fetch(`${relay.url}/admin/keys`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      await res.text();
      const granted = [...res.headers.keys()].filter((name) =>
        name.startsWith('access-control-allow-'),
      );
      expect(granted).toEqual([]);
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    // A simple cross-origin request is not granted either: the browser hides the answer from the page.
    const res = await fetch(`${relay.url}/admin/keys`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${READER}` },
    });
    await res.text();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
