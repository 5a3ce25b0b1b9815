// What the admin API accepts (embedded mode, the same code as every deployment): input the control plane cannot
// store is a 400 naming the field, never the 503 "control plane did not answer" it used to be; a channel that
// could never work (credentials or a query in base_url, a CRLF or framing header) is refused when written; a
// base_url's path is a prefix that real requests and `/test` both honour; secret headers are sent upstream and
// read back redacted.
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';

const UUID = '00000000-0000-4000-8000-000000000000';

describe('admin API input (embedded)', () => {
  let relay: Deployment;
  let prefixed: FakeOpenAI;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${relay.url}/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${relay.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text };
  };

  const channel = (over: Record<string, unknown>) => ({
    name: 'c',
    type: 'openai',
    base_url: 'http://127.0.0.1:9',
    keys: ['sk-admin-input-key-0001'],
    models: ['m'],
    ...over,
  });

  beforeAll(async () => {
    prefixed = await FakeOpenAI.start({ pathPrefix: '/api' });
    relay = await startDeployment('embedded', { label: 'admin_input' });
  });

  afterAll(async () => {
    await relay?.stop();
    await prefixed?.close();
  });

  it.each<[string, string, string, unknown, string]>([
    ['a NUL in a channel name', 'POST', '/channels', channel({ name: 'a\u0000b' }), 'name'],
    ['a NUL in a key name', 'POST', '/keys', { name: 'a\u0000b' }, 'name'],
    [
      'a lone surrogate in a key model',
      'POST',
      '/keys',
      { name: 'k', models: ['\ud800'] },
      'models',
    ],
    [
      'a year-0 expiry',
      'POST',
      '/keys',
      { name: 'k', expires_at: '0000-01-01T00:00:00Z' },
      'expires_at',
    ],
    [
      'a NUL in a priced model',
      'PUT',
      '/models/a%00b',
      { input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
      'model',
    ],
    ['a NUL in a usage model filter', 'GET', '/usage?model=a%00b', undefined, 'model'],
    ['a year-0 usage since', 'GET', '/usage?since=0000-01-01T00:00:00Z', undefined, 'since'],
    ['a NUL in a key id', 'GET', '/keys/a%00b', undefined, 'id'],
    ['a credit of -1e308', 'POST', `/keys/${UUID}/credit`, { amount_usd: -1e308 }, 'amount_usd'],
    [
      'credentials in base_url',
      'POST',
      '/channels',
      channel({ base_url: 'http://user:secret@127.0.0.1:9' }),
      'base_url',
    ],
    [
      'a query in base_url',
      'POST',
      '/channels',
      channel({ base_url: 'http://127.0.0.1:9/?a=1' }),
      'base_url',
    ],
    [
      'a fragment in base_url',
      'POST',
      '/channels',
      channel({ base_url: 'http://127.0.0.1:9/#a' }),
      'base_url',
    ],
    [
      'a CRLF in a header value',
      'POST',
      '/channels',
      channel({ headers: { 'x-a': 'b\r\nx-c: d' } }),
      'headers',
    ],
    [
      'a transfer-encoding header',
      'POST',
      '/channels',
      channel({ headers: { 'transfer-encoding': 'chunked' } }),
      'headers',
    ],
    ['a NUL in a channel patch', 'PATCH', `/channels/${UUID}`, { name: '\u0000' }, 'name'],
  ])('should answer %s with a 400 naming the field', async (_, method, path, body, field) => {
    const answer = await call(method, path, body);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(field);
    expect(answer.text).not.toMatch(/control plane/);
  });

  it('should let a base_url path prefix serve both real requests and /test', async () => {
    const created = await call(
      'POST',
      '/channels',
      channel({
        name: 'behind-a-prefix',
        base_url: `${prefixed.url}/api/v1`,
        keys: ['sk-prefixed-0001'],
        models: ['prefixed-m'],
        secret_headers: { 'x-org-token': 'org-secret-value-0001' },
      }),
    );
    expect(created.status).toBe(201);
    const view = JSON.parse(created.text) as { id: string; base_url: string };
    expect(view.base_url).toBe(`${prefixed.url}/api`);
    expect(created.text).not.toContain('org-secret-value-0001');

    // The prober learns the channel from the next routing snapshot.
    const tested = await waitFor(
      async () => {
        const res = await call('POST', `/channels/${view.id}/test`);
        return res.status === 404 ? undefined : res;
      },
      { what: 'the prober to know the channel' },
    );
    expect(JSON.parse(tested.text)).toMatchObject({ ok: true, status: 200 });

    const key = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'prefix-user' })).body
      .key;
    const chat = () =>
      fetch(`${relay.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'prefixed-m', messages: [{ role: 'user', content: 'hi' }] }),
      }).then(async (res) => ({ status: res.status, text: await res.text() }));
    const answer = await waitFor(
      async () => {
        const res = await chat();
        return res.status === 200 ? res : undefined;
      },
      { what: 'a 200 through the prefixed channel' },
    );
    expect(answer.text).toContain('chat.completion');

    const served = prefixed.requests.filter((r) => r.path === '/api/v1/chat/completions');
    expect(served.length).toBeGreaterThanOrEqual(2);
    // The secret header was sent, with the key, on the probe and on the request.
    for (const request of served) {
      expect(request.headers['x-org-token']).toBe('org-secret-value-0001');
    }
    const read = await call('GET', `/channels/${view.id}`);
    expect(read.text).not.toContain('org-secret-value-0001');
    expect(JSON.parse(read.text)).toMatchObject({ secret_headers: { 'x-org-token': 'or…0001' } });
  });
});
