// Secrets stay secret: channel keys, client keys and the admin tokens (read-write and read-only) never appear in any log line (at the
// most verbose level), any metric, any admin read-back or any error message, whatever happens on the way —
// successes, upstream auth failures, failovers, refusals. Four processes, so every app's logs are searched.
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';

describe('secrets never leak (distributed)', () => {
  let relay: Deployment;
  let good: FakeOpenAI;
  let revoked: FakeOpenAI;
  /** Upstreams that echo the request's headers (key included) in their error bodies: a 400 and a 401. */
  let echo400: FakeOpenAI;
  let echo401: FakeOpenAI;
  const echoKey = `sk-upstream-secret-${Date.now()}-echoed`;
  const echoAuthKey = `sk-upstream-secret-${Date.now()}-echoed-401`;
  const secretHeader = `org-secret-${Date.now()}-header`;
  const echoChannelIds: Record<string, string> = {};
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
    [good, revoked, echo400, echo401] = await Promise.all([
      FakeOpenAI.start({ keys: [channelKey] }),
      FakeOpenAI.start({ keys: ['sk-someone-else'] }),
      FakeOpenAI.start({ keys: [echoKey] }),
      FakeOpenAI.start({ keys: [echoAuthKey] }),
    ]);
    echo400.setStickyFault({ kind: 'status', status: 400, echoHeaders: true });
    echo401.setStickyFault({
      kind: 'status',
      status: 401,
      echoHeaders: true,
      body: {
        error: {
          message: 'Incorrect API key',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
    });
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
        headers: { 'x-proxy-api-key': channelKey },
        ...channel,
      });
      seen.push(JSON.stringify(res.body));
    }
    for (const channel of [
      { name: 'echo-400', base_url: echo400.url, keys: [echoKey], models: ['echo-m'] },
      { name: 'echo-401', base_url: echo401.url, keys: [echoAuthKey], models: ['echo-auth-m'] },
    ]) {
      const res = await relay.admin<{ id: string }>('POST', '/channels', {
        type: 'openai',
        secret_headers: { 'x-org-token': secretHeader },
        ...channel,
      });
      expect(res.status).toBe(201);
      echoChannelIds[channel.name] = res.body.id;
      seen.push(JSON.stringify(res.body));
    }
    const created = await relay.admin<{ key: string }>('POST', '/keys', { name: 'leak' });
    clientKey = created.body.key;
    await waitFor(async () => (await chat(clientKey)) === 200, { what: 'leak-m routable' });
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([good?.close(), revoked?.close(), echo400?.close(), echo401?.close()]);
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

  it('should redact a key or secret header an upstream echoes, from clients, health and logs', async () => {
    const send = (path: string, headers: Record<string, string>, body: unknown) =>
      fetch(`${relay.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }).then(async (res) => {
        const text = await res.text();
        seen.push(text);
        return { status: res.status, text };
      });
    const bearer = { authorization: `Bearer ${clientKey}` };
    const messages = [{ role: 'user', content: 'hi' }];
    // The 400 is the caller's own: relayed as a pass-through (stream or not), re-rendered across formats.
    const passThrough = await send('/v1/chat/completions', bearer, { model: 'echo-m', messages });
    const streamed = await send('/v1/chat/completions', bearer, {
      model: 'echo-m',
      messages,
      stream: true,
    });
    const rerendered = await send(
      '/v1/messages',
      { 'x-api-key': clientKey, 'anthropic-version': '2023-06-01' },
      { model: 'echo-m', max_tokens: 8, messages },
    );
    for (const answer of [passThrough, streamed, rerendered]) {
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('received headers');
      expect(answer.text).toContain('[REDACTED]');
    }
    // The upstream did get the secrets, so not finding them below is meaningful.
    expect(echo400.lastRequest()!.headers['authorization']).toBe(`Bearer ${echoKey}`);
    expect(echo400.lastRequest()!.headers['x-org-token']).toBe(secretHeader);

    // The 401 disables the channel, with the upstream's body as the reason: readable with a read-only token.
    expect(
      (await send('/v1/chat/completions', bearer, { model: 'echo-auth-m', messages })).status,
    ).toBe(502);
    const health = await waitFor(
      async () => {
        const res = await fetch(`${relay.url}/admin/channels/${echoChannelIds['echo-401']}`, {
          headers: { authorization: `Bearer ${readonlyToken}` },
        });
        const text = await res.text();
        return text.includes('"disabled"') && text.includes('received headers') ? text : undefined;
      },
      { what: 'echo-401 disabled with its reason', timeoutMs: 15_000 },
    );
    seen.push(health);
    const tested = await relay.admin('POST', `/channels/${echoChannelIds['echo-400']}/test`);
    expect(JSON.stringify(tested.body)).toContain('received headers');
    seen.push(JSON.stringify(tested.body));
    for (const app of ['ingress', 'health-prober'] as const) {
      seen.push(await (await fetch(`${relay.appUrl(app)}/metrics`)).text());
    }

    const everything = [...seen, relay.output()].join('\n');
    for (const secret of [echoKey, echoAuthKey, secretHeader, clientKey]) {
      expect(everything).not.toContain(secret);
    }
  });
});
