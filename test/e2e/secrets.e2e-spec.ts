// Secrets stay secret: channel keys, client keys and the admin tokens (read-write and read-only) never appear in any log line (at the
// most verbose level), any metric, any admin read-back or any error message, whatever happens on the way —
// successes, upstream auth failures, failovers, refusals. Four processes, so every app's logs are searched.
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';

describe('secrets never leak (distributed)', () => {
  let relay: Deployment;
  let good: FakeOpenAI;
  let revoked: FakeOpenAI;
  const channelKey = `sk-upstream-secret-${Date.now()}-good`;
  const revokedKey = `sk-upstream-secret-${Date.now()}-revoked`;
  let clientKey: string;
  const readonlyToken = `rm-readonly-secret-${Date.now()}`;
  const seen: string[] = [];

  const chat = (key: string, model = 'leak-m') =>
    fetch(`${relay.url}/v1/chat/completions?key=${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    }).then(async (res) => {
      seen.push(await res.text());
      return res.status;
    });

  beforeAll(async () => {
    [good, revoked] = await Promise.all([
      FakeOpenAI.start({ keys: [channelKey] }),
      FakeOpenAI.start({ keys: ['sk-someone-else'] }),
    ]);
    relay = await startDeployment('distributed', {
      label: 'secrets',
      env: {
        LOG_LEVEL: 'verbose',
        RELAYMESH_ADMIN_READONLY_TOKENS: readonlyToken,
        // The access log on: requests carry the key in Bearer and in ?key=, and it must reach no line.
        RELAYMESH_ACCESS_LOG: 'true',
      },
    });
    for (const channel of [
      { name: 'revoked', base_url: revoked.url, keys: [revokedKey], priority: 10 },
      { name: 'good', base_url: good.url, keys: [channelKey], priority: 0 },
    ]) {
      const res = await relay.admin('POST', '/channels', {
        type: 'openai',
        models: ['leak-m'],
        headers: { 'x-api-key': channelKey },
        ...channel,
      });
      seen.push(JSON.stringify(res.body));
    }
    const created = await relay.admin<{ key: string }>('POST', '/keys', { name: 'leak' });
    clientKey = created.body.key;
    await waitFor(async () => (await chat(clientKey)) === 200, { what: 'leak-m routable' });
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([good?.close(), revoked?.close()]);
  });

  it('should never show a channel key, a client key or the admin token', async () => {
    // Traffic of every kind: failovers past a revoked key, unknown keys, a bad admin token, reads.
    for (let i = 0; i < 5; i++) expect(await chat(clientKey)).toBe(200);
    expect(await chat('sk-rm-not-a-real-key-000000000000')).toBe(401);
    expect(await chat(clientKey, 'no-such-model')).toBe(404);
    const badAdmin = await fetch(`${relay.url}/admin/channels`, {
      headers: { authorization: `Bearer ${relay.adminToken}-wrong` },
    });
    seen.push(await badAdmin.text());
    for (const path of ['/channels', '/keys']) {
      seen.push(JSON.stringify((await relay.admin('GET', path)).body));
    }
    // A read-only admin token reads, and is refused a write.
    const asReader = (method: string) =>
      fetch(`${relay.url}/admin/keys`, {
        method,
        headers: { authorization: `Bearer ${readonlyToken}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify({ name: 'nope' }) } : {}),
      });
    const [read, write] = [await asReader('GET'), await asReader('POST')];
    expect([read.status, write.status]).toEqual([200, 403]);
    seen.push(await read.text(), await write.text());
    // Every app's own metrics.
    for (const app of ['ingress', 'router', 'health-prober', 'usage-ledger'] as const) {
      seen.push(await (await fetch(`${relay.appUrl(app)}/metrics`)).text());
    }

    // The secrets did travel: the good upstream received its key, so not finding them is meaningful.
    expect(good.lastRequest()!.headers['authorization']).toBe(`Bearer ${channelKey}`);
    expect(revoked.requests.length).toBeGreaterThan(0);

    const everything = [...seen, relay.output()].join('\n');
    for (const secret of [channelKey, revokedKey, clientKey, relay.adminToken, readonlyToken]) {
      expect(everything).not.toContain(secret);
    }
    // Logs were really captured at the verbose level, access log included.
    expect(relay.output()).toContain('[ingress]');
    expect(relay.output()).toMatch(/AccessLog.*"route":"chat_completions".*"status":401/);
  });
});
