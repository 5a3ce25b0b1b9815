// The data path when channels misbehave (the self-healing issue, ingress side): a hanging channel fails over or
// gives 504 within its `timeout_ms`; a stream with no first byte fails over within the first-byte timeout; a
// 429 cools the channel down; a stream cut mid-way ends in the caller's own error event, in all four formats;
// the only channel failing gives 502; cross-model fallbacks and `provider` preferences pick the channels.
// Each test uses models of its own, so the channels of one test never serve another.
import {
  Deployment,
  DeploymentMode,
  FakeOpenAI,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import OpenAI from 'openai';

type Json = Record<string, unknown>;

/** Short enough to keep the suite fast, long enough for a loaded CI machine to answer a healthy call. */
const FIRST_BYTE_TIMEOUT_MS = 1_500;

describe.each<DeploymentMode>(['embedded', 'distributed'])('failover (%s)', (mode) => {
  let relay: Deployment;
  let a: FakeOpenAI;
  let b: FakeOpenAI;
  let clientKey: string;
  let client: OpenAI;

  const channel = async (body: Json): Promise<string> => {
    const res = await relay.admin<{ id: string }>('POST', '/channels', {
      type: 'openai',
      keys: ['sk-upstream'],
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const chat = (model: string, extra: Json = {}) =>
    client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hello relay' }],
      ...extra,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  /** Waits until the channel named `via` (or any channel) serves `model` through this replica's snapshot. */
  const routable = (model: string, via?: string) =>
    waitFor(() => chat(model, via ? { provider: { only: [via] } } : {}).then(() => true), {
      what: `model ${model} routable${via ? ` via ${via}` : ''}`,
      timeoutMs: 5_000,
      intervalMs: 50,
    });
  const post = (
    path: string,
    body: Json,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ) =>
    fetch(`${relay.url}${path}`, {
      signal,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${clientKey}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    [a, b] = await Promise.all([FakeOpenAI.start(), FakeOpenAI.start()]);
    relay = await startDeployment(mode, {
      label: `failover_${mode}`,
      env: { RELAYMESH_FIRST_BYTE_TIMEOUT_MS: String(FIRST_BYTE_TIMEOUT_MS) },
    });
    const created = await relay.admin<{ key: string }>('POST', '/keys', { name: 'failover' });
    clientKey = created.body.key;
    client = new OpenAI({ apiKey: clientKey, baseURL: `${relay.url}/v1`, maxRetries: 0 });
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([a?.close(), b?.close()]);
  });

  beforeEach(() => {
    a.reset();
    b.reset();
  });

  it('should fail over from a hanging channel after its timeout_ms, and give 504 when it is the only one', async () => {
    await channel({
      name: 'hang-a',
      base_url: a.url,
      models: ['hang-m'],
      priority: 10,
      timeout_ms: 800,
    });
    await channel({ name: 'hang-b', base_url: b.url, models: ['hang-m'], priority: 0 });
    await routable('hang-m', 'hang-a');
    await routable('hang-m', 'hang-b');
    a.reset();
    b.reset();
    a.setStickyFault({ kind: 'hang' });
    const completion = await chat('hang-m');
    expect(completion.choices[0].message.content).toContain('hello relay');
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);

    await channel({ name: 'hang-only', base_url: a.url, models: ['hang-only-m'], timeout_ms: 800 });
    const alone = await waitFor(
      async () => {
        const res = await post('/v1/chat/completions', {
          model: 'hang-only-m',
          messages: [{ role: 'user', content: 'hi' }],
        });
        return res.status === 404 ? null : res;
      },
      { what: 'hang-only-m routable', timeoutMs: 5_000 },
    );
    expect(alone.status).toBe(504);
    const body = (await alone.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('upstream_timeout');
    expect(body.error.message).toContain('hang-only-m');
  });

  it('should fail over a stream whose first byte does not come within the first-byte timeout', async () => {
    // timeout_ms alone (60 s) would keep the client waiting; the first-byte timeout moves it on.
    await channel({
      name: 'slow-a',
      base_url: a.url,
      models: ['slow-m'],
      priority: 10,
      timeout_ms: 60_000,
    });
    await channel({ name: 'slow-b', base_url: b.url, models: ['slow-m'], priority: 0 });
    await routable('slow-m', 'slow-a');
    await routable('slow-m', 'slow-b');
    a.reset();
    b.reset();
    a.enqueueFault({ kind: 'delay', ms: 10_000 });
    const stream = await client.chat.completions.create({
      model: 'slow-m',
      stream: true,
      messages: [{ role: 'user', content: 'hello relay' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('hello relay');
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
  });

  it('should cool a channel down after a 429, and answer 429 with Retry-After when every channel is', async () => {
    await channel({ name: 'rl-a', base_url: a.url, models: ['rl-m'], priority: 10 });
    await channel({ name: 'rl-b', base_url: b.url, models: ['rl-m'], priority: 0 });
    await routable('rl-m', 'rl-a');
    await routable('rl-m', 'rl-b');
    a.reset();
    b.reset();
    a.enqueueFault({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    for (let i = 0; i < 4; i++) {
      const completion = await chat('rl-m');
      expect(completion.choices[0].message.content).toContain('hello relay');
    }
    // One 429, then the higher-priority channel rests for its Retry-After on this replica.
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(4);

    // A cooling channel is still tried when nothing else is left, so both must refuse now.
    a.setStickyFault({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    b.setStickyFault({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const res = await post('/v1/chat/completions', {
      model: 'rl-m',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'upstream_rate_limited',
    );
  });

  it('should give 502 in the caller envelope when the only channel fails', async () => {
    await channel({ name: 'only-500', base_url: a.url, models: ['only-500-m'] });
    await routable('only-500-m');
    a.setStickyFault({ kind: 'status', status: 500 });
    const res = await post('/v1/messages', {
      model: 'only-500-m',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    // What failed in the caller's terms; the channel's name stays in the logs (D15).
    expect(body.error.message).toBe(
      "Every eligible channel for 'only-500-m' failed: the upstream provider answered with an error (HTTP 500).",
    );
  });

  it.each<[string, string, (model: string) => Json, (events: string) => boolean]>([
    [
      'OpenAI chat (pass-through)',
      '/v1/chat/completions',
      (model) => ({ model, stream: true, messages: [{ role: 'user', content: 'hello relay' }] }),
      (tail) => /^data: \{"error":/m.test(tail),
    ],
    [
      'OpenAI responses',
      '/v1/responses',
      (model) => ({ model, stream: true, input: 'hello relay' }),
      (tail) => /^event: error$/m.test(tail),
    ],
    [
      'Anthropic messages',
      '/v1/messages',
      (model) => ({
        model,
        stream: true,
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hello relay' }],
      }),
      (tail) => /^event: error$/m.test(tail) && tail.includes('"type":"error"'),
    ],
    [
      'Gemini',
      '/v1beta/models/reset-m:streamGenerateContent?alt=sse',
      () => ({ contents: [{ role: 'user', parts: [{ text: 'hello relay' }] }] }),
      (tail) => tail.includes('"error"'),
    ],
  ])(
    'should end a stream cut mid-way with the %s error event',
    async (_, path, body, endsInError) => {
      const list = await relay.admin<{ data: { name: string }[] }>('GET', '/channels');
      if (!list.body.data.some((c) => c.name === 'reset')) {
        await channel({ name: 'reset', base_url: a.url, models: ['reset-m'] });
        await routable('reset-m');
      }
      a.reset();
      a.enqueueFault({ kind: 'reset-mid-stream', afterChunks: 2 });
      const res = await post(path, body('reset-m'), { 'anthropic-version': '2023-06-01' });
      expect(res.status).toBe(200);
      const text = await res.text();
      const events = text.trim().split(/\r?\n\r?\n/);
      expect(events.length).toBeGreaterThan(2);
      expect(endsInError(events.at(-1)!)).toBe(true);
    },
  );

  it('should cancel the upstream call at once when the client goes away mid-stream', async () => {
    await channel({ name: 'abort-a', base_url: a.url, models: ['abort-m'] });
    await routable('abort-m');
    // Requests still being served: the relay holds one until its upstream read ends.
    const inFlight = async () => {
      const text = await (await fetch(`${relay.url}/metrics`)).text();
      return Number(/^relaymesh_ingress_in_flight_requests (\S+)$/m.exec(text)?.[1] ?? NaN);
    };
    a.setStreamChunkDelayMs(3_000);
    const controller = new AbortController();
    const res = await post(
      '/v1/chat/completions',
      {
        model: 'abort-m',
        stream: true,
        messages: [{ role: 'user', content: 'one two three four' }],
      },
      {},
      controller.signal,
    );
    const reader = res.body!.getReader();
    await reader.read();
    expect(await inFlight()).toBe(1);
    controller.abort();
    // The next upstream chunk is 3 s away: only a cancelled upstream read ends the request before it.
    await waitFor(async () => (await inFlight()) === 0, {
      what: 'the relayed stream to be released',
      timeoutMs: 1_500,
    });
  });

  it('should move down the models chain when the requested model fails', async () => {
    await channel({ name: 'chain-a', base_url: a.url, models: ['chain-main'] });
    await channel({ name: 'chain-b', base_url: b.url, models: ['chain-backup'] });
    await routable('chain-main');
    await routable('chain-backup');
    a.reset();
    b.reset();
    a.setStickyFault({ kind: 'status', status: 503 });
    const completion = await chat('chain-main', { models: ['chain-backup'] });
    expect(completion.choices[0].message.content).toContain('hello relay');
    expect((b.lastRequest()!.body as Json)['model']).toBe('chain-backup');
    // The gateway's own extensions never reach the upstream.
    expect(b.lastRequest()!.body).not.toHaveProperty('models');
    // An unknown fallback does not turn the requested model's failure into a 404.
    const res = await post('/v1/chat/completions', {
      model: 'chain-main',
      fallbacks: ['no-such-model'],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(502);
  });

  it('should follow provider order and only, and refuse malformed preferences with a param', async () => {
    await channel({ name: 'pref-a', base_url: a.url, models: ['pref-m'], priority: 10 });
    await channel({ name: 'pref-b', base_url: b.url, models: ['pref-m'], priority: 0 });
    await routable('pref-m', 'pref-a');
    await routable('pref-m', 'pref-b');
    a.reset();
    b.reset();
    for (let i = 0; i < 3; i++) await chat('pref-m', { provider: { order: ['pref-b'] } });
    expect(b.requests).toHaveLength(3);
    expect(a.requests).toHaveLength(0);
    // Ordered first, then the rest when the ordered one fails...
    b.setStickyFault({ kind: 'status', status: 500 });
    await chat('pref-m', { provider: { order: ['pref-b'] } });
    expect(a.requests).toHaveLength(1);
    // ...while `only` keeps every other channel out.
    const res = await post('/v1/chat/completions', {
      model: 'pref-m',
      provider: { only: ['pref-b'] },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(502);
    expect(a.requests).toHaveLength(1);
    const bad = await post('/v1/chat/completions', {
      model: 'pref-m',
      provider: { sort: 'cheapest' },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('provider.sort');
  });
});
