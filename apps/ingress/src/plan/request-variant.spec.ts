import { KeyRecord } from '@relaymesh/contracts';
import { anthropicMessages, gemini, openAIChat, openAIResponses } from '@relaymesh/protocols';
import { ingressChannel } from '../__fixtures__/ingress-channel';
import type { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import { planGeneration, readGeneration } from './generation-plan';
import { attemptFor } from './relay-plan';
import { patchBody, variantOverrides } from './request-variant';

const channel = ingressChannel;
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

  it("should keep the client's own format a pass-through, changing only what the variant decides", () => {
    const plain = sent('openai', null, {}, { ...CHAT, user_field: 'kept' });
    expect(plain).toMatchObject({ reading: 'relay_json', body: { temperature: 0.3 } });
    const changed = sent(
      'openai',
      { overrides: { temperature: 1, reasoning_effort: 'high' }, suffix: null },
      {},
      { ...CHAT, user_field: 'kept', max_tokens: 77 },
    );
    expect(changed).toMatchObject({
      reading: 'relay_json',
      body: {
        model: 'up-m',
        temperature: 1,
        reasoning_effort: 'high',
        user_field: 'kept',
        // Not decided by this variant: as the client sent it, in its own spelling.
        max_tokens: 77,
      },
    });
  });

  it('should keep cache_control and server tools of an Anthropic pass-through while turning thinking on', () => {
    const messages = planGeneration(
      readGeneration(anthropicMessages, {
        body: {
          model: 'm-thinking',
          max_tokens: 20_000,
          temperature: 0.2,
          system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
          tools: [{ type: 'web_search_20250305', name: 'web_search' }],
          messages: [{ role: 'user', content: 'hi' }],
        },
        pathModel: null,
        stream: null,
        sse: false,
        requestId: 'r',
        formatHeaders: {},
      }),
      KEY,
      0,
    );
    const attempt = attemptFor(messages, channel('anthropic'), 'up-m', () => 0, {
      overrides: null,
      suffix: '-thinking',
    });
    if (attempt?.kind !== 'http') throw new Error('an upstream request');
    expect(attempt.reading.kind).toBe('relay_json');
    const body = JSON.parse(attempt.request.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'up-m',
      max_tokens: 20_000,
      thinking: { type: 'enabled', budget_tokens: 4096 },
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    });
    // The API refuses temperature with thinking on: the translation leaves it out, so the graft does.
    expect(body).not.toHaveProperty('temperature');
  });

  it("should write a Gemini pass-through's thinking budget inside generationConfig, keeping the rest", () => {
    const generate = planGeneration(
      readGeneration(gemini, {
        body: {
          contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
          generationConfig: { temperature: 0.1, responseMimeType: 'text/plain' },
          cachedContent: 'cachedContents/abc',
        },
        pathModel: 'm-max',
        stream: false,
        sse: false,
        requestId: 'r',
        formatHeaders: {},
      }),
      KEY,
      0,
    );
    const attempt = attemptFor(generate, channel('gemini'), 'up-m', () => 0, {
      overrides: null,
      suffix: '-max',
    });
    if (attempt?.kind !== 'http') throw new Error('an upstream request');
    expect(JSON.parse(attempt.request.body)).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: {
        temperature: 0.1,
        responseMimeType: 'text/plain',
        maxOutputTokens: 64_000,
        thinkingConfig: expect.objectContaining({ thinkingBudget: 32_000 }) as unknown,
      },
      cachedContent: 'cachedContents/abc',
    });
  });

  it("should keep a Responses pass-through's tools while writing the variant's effort", () => {
    const responses = planGeneration(
      readGeneration(openAIResponses, {
        body: {
          model: 'm-high',
          input: 'hi',
          tools: [{ type: 'web_search' }],
          reasoning: { effort: 'low', summary: 'auto' },
        },
        pathModel: null,
        stream: null,
        sse: false,
        requestId: 'r',
        formatHeaders: {},
      }),
      KEY,
      0,
    );
    const attempt = attemptFor(responses, channel('openai'), 'up-m', () => 0, {
      overrides: null,
      suffix: '-high',
    });
    if (attempt?.kind !== 'http') throw new Error('an upstream request');
    expect(attempt.request.path).toBe('/v1/responses');
    expect(attempt.reading.kind).toBe('relay_json');
    expect(JSON.parse(attempt.request.body)).toMatchObject({
      model: 'up-m',
      tools: [{ type: 'web_search' }],
      reasoning: { effort: 'high' },
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
