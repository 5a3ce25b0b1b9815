import { KeyRecord } from '@relaymesh/contracts';
import { openAIChat } from '@relaymesh/protocols';
import type { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import { planGeneration, readGeneration } from './generation-plan';
import { attemptFor } from './relay-plan';
import { patchBody, variantOverrides } from './request-variant';

const channel = (
  type: IngressChannel['type'],
  over: Partial<IngressChannel> = {},
): IngressChannel => ({
  id: `ch-${type}`,
  name: type,
  type,
  base_url: 'http://127.0.0.1:1',
  keys: ['k0'],
  models: ['m'],
  model_mapping: {},
  variant_suffixes: [],
  body_override: {},
  groups: ['default'],
  priority: 0,
  weight: 1,
  status: 'enabled',
  ejected: false,
  weight_factor: 1,
  latency_ms: null,
  timeout_ms: 1000,
  headers: {},
  secrets: [],
  ...over,
});
const KEY = { enabled: true, expires_at: null, models: [] } as unknown as KeyRecord;

const chatPlan = (body: Record<string, unknown>) =>
  planGeneration(
    readGeneration(openAIChat, {
      body,
      pathModel: null,
      stream: null,
      sse: false,
      requestId: 'r',
      formatHeaders: {},
    }),
    KEY,
    0,
  );
const CHAT = {
  model: 'm-thinking',
  max_tokens: 20_000,
  temperature: 0.3,
  messages: [{ role: 'user', content: 'hi' }],
};

/** The body sent to a channel for a variant, parsed, with the attempt's path and reading. */
function sent(
  type: IngressChannel['type'],
  variant: Parameters<typeof attemptFor>[4],
  over: Partial<IngressChannel> = {},
  body: Record<string, unknown> = CHAT,
) {
  const attempt = attemptFor(chatPlan(body), channel(type, over), 'up-m', () => 0, variant);
  if (attempt?.kind !== 'http') throw new Error('an upstream request');
  return {
    path: attempt.request.path,
    reading: attempt.reading.kind,
    body: JSON.parse(attempt.request.body) as Record<string, unknown>,
  };
}

describe('variantOverrides', () => {
  it('should stand for nothing without a variant, and for the standard rule of a suffix', () => {
    expect(variantOverrides(null)).toBeNull();
    expect(variantOverrides({ overrides: null, suffix: '-thinking' })).toEqual({
      thinking: { enabled: true },
    });
  });

  it("should let the mapping entry's own overrides win over the suffix's, field by field", () => {
    expect(
      variantOverrides({
        suffix: '-max',
        overrides: {
          thinking: { enabled: true, budget_tokens: 2048 },
          temperature: 1,
          extra_body: { service_tier: 'priority' },
        },
      }),
    ).toEqual({
      thinking: { enabled: true, budgetTokens: 2048 },
      maxTokens: 64_000,
      temperature: 1,
      extraFields: { service_tier: 'priority' },
    });
  });
});

describe('attemptFor with a variant', () => {
  it('should turn thinking on upstream of an OpenAI-format client on an Anthropic channel', () => {
    const { body } = sent('anthropic', { overrides: null, suffix: '-thinking' });
    expect(body['thinking']).toEqual({ type: 'enabled', budget_tokens: 4096 });
    // With thinking on, the Messages API takes no temperature: the translation leaves it out.
    expect(body['temperature']).toBeUndefined();
    expect(sent('anthropic', null).body['thinking']).toBeUndefined();
  });

  it("should give the mapping entry's budget and output cap, and turn thinking off when it says so", () => {
    const on = sent('anthropic', {
      overrides: { thinking: { enabled: true, budget_tokens: 3000 }, max_tokens: 9000 },
      suffix: null,
    }).body;
    expect(on).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 3000 },
      max_tokens: 9000,
    });
    const off = sent(
      'anthropic',
      { overrides: { thinking: { enabled: false } }, suffix: null },
      {},
      { ...CHAT, reasoning_effort: 'high' },
    ).body;
    expect(off['thinking']).toBeUndefined();
  });

  it("should send the client's own format through the hub when the variant changes the request", () => {
    const plain = sent('openai', null);
    expect(plain).toMatchObject({ reading: 'relay_json', body: { temperature: 0.3 } });
    const changed = sent('openai', {
      overrides: { temperature: 1, reasoning_effort: 'high' },
      suffix: null,
    });
    expect(changed).toMatchObject({
      reading: 'render_json',
      body: { model: 'up-m', temperature: 1, reasoning_effort: 'high' },
    });
  });

  it('should keep a pass-through for a variant that only adds body fields, and add them', () => {
    const extra = sent('openai', {
      overrides: { extra_body: { service_tier: 'flex' } },
      suffix: null,
    });
    expect(extra).toMatchObject({ reading: 'relay_json', body: { service_tier: 'flex' } });
  });
});

describe("a channel's body_override", () => {
  const override = {
    body_override: { set: { top_k: 5, metadata: { team: 'a' } }, remove: ['temperature'] },
  };

  it('should set and remove fields on a pass-through and on a translated request alike', () => {
    const passed = sent('openai', null, override).body;
    expect(passed).toMatchObject({ top_k: 5, metadata: { team: 'a' } });
    expect(passed).not.toHaveProperty('temperature');
    const translated = sent('anthropic', null, override).body;
    expect(translated).toMatchObject({ top_k: 5, metadata: { team: 'a' } });
    expect(translated).not.toHaveProperty('temperature');
  });

  it("should win over the variant's extra fields, and leave a body with nothing to change untouched", () => {
    expect(JSON.parse(patchBody('{"a":1}', { a: 2, b: 2 }, { set: { b: 3 } }))).toEqual({
      a: 2,
      b: 3,
    });
    const body = '{ "spaced" : true }';
    expect(patchBody(body, undefined, {})).toBe(body);
  });
});
