// Model variants and per-channel overrides, through the admin API to the upstream request: an OpenAI-format
// client (the `openai` SDK) asks for a `-thinking` variant (a suffix the Anthropic channel switched on) and a
// mapping entry's variant, and the fake Anthropic receives thinking turned on with a budget; the variants are
// listed in `/v1/models`; the channel's `body_override` reaches the upstream body; an auth header in a channel's
// headers is refused with the field named.
import { Deployment, FakeAnthropic, startDeployment, waitFor } from '@relaymesh/testing';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

describe('model variants and channel overrides (embedded)', () => {
  let relay: Deployment;
  let upstream: FakeAnthropic;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let key: string;

  beforeAll(async () => {
    upstream = await FakeAnthropic.start();
    relay = await startDeployment('embedded', { label: 'model_variants' });
    const created = await relay.admin('POST', '/channels', {
      name: 'claude-variants',
      type: 'anthropic',
      base_url: upstream.url,
      keys: ['sk-ant-upstream'],
      models: ['claude-sonnet-4-6'],
      model_mapping: {
        'claude-sonnet-4-6-max': {
          model: 'claude-sonnet-4-6',
          overrides: { thinking: { enabled: true, budget_tokens: 12_000 }, max_tokens: 30_000 },
        },
      },
      variant_suffixes: ['-thinking'],
      body_override: { set: { metadata: { user_id: 'relaymesh-variants' } } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      variant_suffixes: ['-thinking'],
      model_mapping: { 'claude-sonnet-4-6-max': { model: 'claude-sonnet-4-6' } },
    });
    key = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'variants' })).body.key;
    openai = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });
    await waitFor(
      () =>
        openai.models
          .list()
          .then((page) => page.data.some((m) => m.id === 'claude-sonnet-4-6-thinking')),
      { what: 'the variants routable', timeoutMs: 10_000 },
    );
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await upstream?.close();
  });

  const ask = (model: string) =>
    openai.chat.completions.create({
      model,
      temperature: 0.5,
      messages: [{ role: 'user', content: 'Think about it.' }],
    });

  it('should turn thinking on upstream for a -thinking variant asked by an OpenAI-format client', async () => {
    upstream.reset();
    const answer = await ask('claude-sonnet-4-6-thinking');
    expect(answer.choices[0].message.content).toContain('Hello from fake-anthropic');
    const sent = upstream.lastRequest()!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.body).toMatchObject({
      model: 'claude-sonnet-4-6',
      thinking: { type: 'enabled', budget_tokens: expect.any(Number) as unknown },
      metadata: { user_id: 'relaymesh-variants' },
    });
    // The base model goes as asked: no thinking, the client's temperature.
    await ask('claude-sonnet-4-6');
    expect(upstream.lastRequest()!.body).not.toHaveProperty('thinking');
    expect(upstream.lastRequest()!.body).toMatchObject({ temperature: 0.5 });
  });

  it("should keep an Anthropic client's pass-through (cache_control included) while the variant turns thinking on", async () => {
    upstream.reset();
    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4-6-thinking',
      max_tokens: 8_000,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Think about it.' }],
    });
    expect(message.content.some((block) => block.type === 'text')).toBe(true);
    expect(upstream.lastRequest()!.body).toMatchObject({
      model: 'claude-sonnet-4-6',
      max_tokens: 8_000,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      thinking: { type: 'enabled', budget_tokens: expect.any(Number) as unknown },
      metadata: { user_id: 'relaymesh-variants' },
    });
  });

  it("should send a mapping entry's budget and output cap upstream", async () => {
    upstream.reset();
    await ask('claude-sonnet-4-6-max');
    expect(upstream.lastRequest()!.body).toMatchObject({
      model: 'claude-sonnet-4-6',
      max_tokens: 30_000,
      thinking: { type: 'enabled', budget_tokens: 12_000 },
    });
  });

  it('should list the variants in the OpenAI, Anthropic and Gemini model lists', async () => {
    const ids = (await openai.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'claude-sonnet-4-6',
        'claude-sonnet-4-6-thinking',
        'claude-sonnet-4-6-max',
        'claude-sonnet-4-6-max-thinking',
      ]),
    );
    const claude = (await anthropic.models.list()).data.map((m) => m.id);
    expect(claude).toEqual(expect.arrayContaining(['claude-sonnet-4-6-thinking']));
    const geminiList = (await (
      await fetch(`${relay.url}/v1beta/models`, { headers: { 'x-goog-api-key': key } })
    ).json()) as { models: { name: string }[] };
    expect(geminiList.models.map((m) => m.name)).toEqual(
      expect.arrayContaining(['models/claude-sonnet-4-6-thinking', 'models/claude-sonnet-4-6-max']),
    );
  });

  it("should refuse an auth header in a channel's headers, naming the field", async () => {
    const refused = await relay.admin<{ error: { message: string } }>('POST', '/channels', {
      name: 'bad-headers',
      type: 'anthropic',
      base_url: upstream.url,
      keys: ['sk-ant-upstream'],
      headers: { 'X-Api-Key': 'sk-ant-other' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('headers["X-Api-Key"]');
    expect(refused.body.error.message).toContain('put the credential in keys');
  });
});
