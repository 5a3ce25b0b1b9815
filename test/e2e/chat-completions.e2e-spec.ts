// The first data path end to end, in both deployment modes: the official `openai` SDK against ingress, a fake
// OpenAI upstream behind it, channels and keys made through the admin API. Checked twice: in what the SDK
// returns, and in what the upstream received.
import {
  Deployment,
  DeploymentMode,
  FakeOpenAI,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import OpenAI from 'openai';

type Json = Record<string, unknown>;

describe.each<DeploymentMode>(['embedded', 'distributed'])('chat completions (%s)', (mode) => {
  let relay: Deployment;
  let primary: FakeOpenAI;
  let secondary: FakeOpenAI;
  let clientKey: string;
  let client: OpenAI;

  const channel = async (body: Json): Promise<Json> => {
    const res = await relay.admin<Json>('POST', '/channels', body);
    expect(res.status).toBe(201);
    return res.body;
  };
  const key = async (body: Json): Promise<Json & { key: string; id: string }> => {
    const res = await relay.admin<Json & { key: string; id: string }>('POST', '/keys', body);
    expect(res.status).toBe(201);
    return res.body;
  };
  const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${relay.url}/v1`, maxRetries: 0 });
  const chat = (model: string, c: OpenAI = client) =>
    c.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello relay' }] });
  /** Routable within a second of an admin write (the promise), asked with a deadline. */
  const routable = (model: string, c: OpenAI = client) =>
    waitFor(() => chat(model, c).then(() => true), {
      what: `model ${model} routable`,
      timeoutMs: 1_000,
      intervalMs: 20,
    });

  beforeAll(async () => {
    [primary, secondary] = await Promise.all([FakeOpenAI.start(), FakeOpenAI.start()]);
    relay = await startDeployment(mode, { label: `chat_${mode}` });
    await channel({
      name: 'primary',
      type: 'openai',
      base_url: `${primary.url}/v1`,
      keys: ['sk-upstream-primary'],
      models: ['gpt-5-mini'],
      model_mapping: { 'house-model': 'gpt-5-mini' },
    });
    clientKey = (await key({ name: 'team-a' })).key;
    client = sdk(clientKey);
    await routable('gpt-5-mini');
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([primary?.close(), secondary?.close()]);
  });

  beforeEach(() => {
    primary.reset();
    secondary.reset();
  });

  it('should answer a non-stream completion with the upstream answer and forward the request untouched', async () => {
    const completion = await client.chat.completions.create({
      model: 'house-model',
      messages: [{ role: 'user', content: 'hello relay' }],
      seed: 7,
      metadata: { team: 'a' },
    });
    expect(completion.choices[0].message.content).toBe(
      'Hello from fake-openai! You said: hello relay',
    );
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    const received = primary.lastRequest()!;
    expect(received.path).toBe('/v1/chat/completions');
    expect(received.headers['authorization']).toBe('Bearer sk-upstream-primary');
    expect(received.body).toMatchObject({ model: 'gpt-5-mini', seed: 7, metadata: { team: 'a' } });
  });

  it('should stream chunks and the upstream usage only when the client asks for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-5-mini',
      stream: true,
      messages: [{ role: 'user', content: 'stream please' }],
    });
    let text = '';
    let chunks = 0;
    let sawUsage = false;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toBe('Hello from fake-openai! You said: stream please');
    expect(chunks).toBeGreaterThan(3);
    expect(sawUsage).toBe(false);
    // The gateway asked for usage anyway (it meters every request) and removed it from the client's stream.
    expect(primary.lastRequest()!.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });

    const withUsage = await client.chat.completions.create({
      model: 'gpt-5-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count me' }],
    });
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    for await (const chunk of withUsage) usage = chunk.usage ?? usage;
    expect(usage?.completion_tokens).toBe(7);
  });

  it('should forward chunks as they arrive rather than after the whole stream', async () => {
    // The upstream sends two content chunks and then dies: a gateway that buffered the whole stream would
    // have nothing to show; one that forwards chunk by chunk delivers both before the error.
    primary.enqueueFault({ kind: 'reset-mid-stream', afterChunks: 2 });
    const stream = await client.chat.completions.create({
      model: 'gpt-5-mini',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five' }],
    });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow();
    expect(received.join('')).toBe('Hello from ');
  });

  it('should pass embeddings through to an OpenAI channel with the model mapped', async () => {
    const result = await client.embeddings.create({
      model: 'house-model',
      input: ['first text', 'second text'],
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0].embedding.length).toBeGreaterThan(0);
    expect(primary.lastRequest()!.path).toBe('/v1/embeddings');
    expect(primary.lastRequest()!.body).toMatchObject({
      model: 'gpt-5-mini',
      input: ['first text', 'second text'],
    });
    await expect(
      client.embeddings.create({ model: 'gpt-5-mini', input: [] }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });

  it('should carry an x-request-id, keeping the one the client sent', async () => {
    const mine = await fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${clientKey}`,
        'content-type': 'application/json',
        'x-request-id': 'req-e2e-42',
      },
      body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('x-request-id')).toBe('req-e2e-42');
    const refused = await fetch(`${relay.url}/v1/chat/completions`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should refuse in the OpenAI envelope: unknown key, unknown model, empty messages', async () => {
    await expect(chat('gpt-5-mini', sdk('sk-not-a-key'))).rejects.toMatchObject({ status: 401 });
    await expect(chat('no-such-model')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    await expect(
      client.chat.completions.create({ model: 'gpt-5-mini', messages: [] }),
    ).rejects.toMatchObject({ status: 400, param: 'messages' });
    expect(primary.requests).toHaveLength(0);
  });

  it('should resolve provider/model ids and route a new channel within a second, by priority', async () => {
    await channel({
      name: 'secondary',
      type: 'openai-compatible',
      base_url: secondary.url,
      keys: ['sk-upstream-secondary'],
      models: ['gpt-5-mini', 'only-on-secondary'],
      priority: 10,
    });
    await routable('only-on-secondary');
    expect(secondary.requests.length).toBeGreaterThan(0);
    secondary.reset();
    // Higher priority wins every time while it is healthy.
    for (let i = 0; i < 5; i++) await chat('gpt-5-mini');
    expect(secondary.requests).toHaveLength(5);
    expect(primary.requests).toHaveLength(0);
    // `openai/<model>` restricts to channels of type openai: only the primary.
    await chat('openai/gpt-5-mini');
    expect(primary.requests).toHaveLength(1);
    expect(primary.lastRequest()!.body).toMatchObject({ model: 'gpt-5-mini' });
  });

  it('should fail over to the next channel when one answers 500, invisibly to the client', async () => {
    const list = await relay.admin<{ data: { id: string; name: string }[] }>('GET', '/channels');
    const secondaryId = list.body.data.find((c) => c.name === 'secondary')!.id;
    secondary.setStickyFault({ kind: 'status', status: 500 });
    try {
      for (let i = 0; i < 3; i++) {
        const completion = await chat('gpt-5-mini');
        expect(completion.choices[0].message.content).toContain('hello relay');
      }
      expect(secondary.requests.length).toBeGreaterThan(0);
      expect(primary.requests).toHaveLength(3);
    } finally {
      secondary.setStickyFault(null);
    }
    // The prober heard about the failures: the channel's health shows them.
    const health = await waitFor(
      async () => {
        const read = await relay.admin<{
          health: { consecutive_failures: number; last_error: string | null };
        }>('GET', `/channels/${secondaryId}`);
        return read.body.health.consecutive_failures > 0 ? read.body.health : null;
      },
      { what: 'the secondary channel health to show failures', timeoutMs: 5_000 },
    );
    expect(health.last_error).toBeTruthy();
  });

  it('should spread requests across equal-priority channels by weight', async () => {
    const list = await relay.admin<{ data: { id: string; name: string }[] }>('GET', '/channels');
    const primaryId = list.body.data.find((c) => c.name === 'primary')!.id;
    const secondaryId = list.body.data.find((c) => c.name === 'secondary')!.id;
    expect(
      (await relay.admin('PATCH', `/channels/${secondaryId}`, { priority: 0, weight: 1 })).status,
    ).toBe(200);
    expect((await relay.admin('PATCH', `/channels/${primaryId}`, { weight: 1 })).status).toBe(200);
    await waitFor(
      async () => {
        primary.reset();
        secondary.reset();
        for (let i = 0; i < 40; i++) await chat('gpt-5-mini');
        return primary.requests.length > 0 && secondary.requests.length > 0;
      },
      { what: 'both equal channels to receive requests', timeoutMs: 10_000 },
    );
    expect(primary.requests.length + secondary.requests.length).toBe(40);
  });

  it('should keep groups apart: a model only in another group gets the contract 503', async () => {
    await channel({
      name: 'vip-only',
      type: 'openai',
      base_url: secondary.url,
      keys: ['sk-upstream-vip'],
      models: ['vip-model'],
      groups: ['vip'],
    });
    const vip = sdk((await key({ name: 'vip-team', group: 'vip' })).key);
    await routable('vip-model', vip);
    await expect(chat('vip-model')).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining(
        "There are currently no available channels for model 'vip-model' in the current group default.",
      ),
    });
  });

  it('should stop a key within a second of disabling it, and list only allowed models', async () => {
    const created = await key({ name: 'short-lived', models: ['gpt-5-mini'] });
    const shortLived = sdk(created.key);
    await routable('gpt-5-mini', shortLived);
    const models = await shortLived.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['gpt-5-mini']);
    await expect(chat('house-model', shortLived)).rejects.toMatchObject({ status: 403 });
    expect((await relay.admin('PATCH', `/keys/${created.id}`, { enabled: false })).status).toBe(
      200,
    );
    await waitFor(
      () =>
        chat('gpt-5-mini', shortLived).then(
          () => false,
          (err: { status?: number }) => err.status === 403,
        ),
      { what: 'the disabled key to be refused', timeoutMs: 1_000, intervalMs: 20 },
    );
  });
});
