import { anthropicMessages } from '../anthropic-messages/anthropic-messages.adapter';
import { gemini } from '../gemini/gemini.adapter';
import { openAIChat } from '../openai-chat/openai-chat.adapter';
import { hubRequest } from './hub-request';
import {
  STANDARD_SUFFIX_RULES,
  applyOverrides,
  resolveVariant,
  type RequestOverrides,
} from './request-overrides';

const known = new Set([
  'claude-opus-4-6',
  'claude-sonnet-4-6',
  'claude-sonnet-4-5-20250929',
  'gpt-5',
]);
const isModel = (m: string) => known.has(m);
const ask = hubRequest('x', [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);

describe('resolveVariant', () => {
  it.each<[string, string, RequestOverrides]>([
    ['claude-opus-4-6-thinking', 'claude-opus-4-6', { thinking: { enabled: true } }],
    [
      'claude-sonnet-4-5-20250929-thinking',
      'claude-sonnet-4-5-20250929',
      { thinking: { enabled: true } },
    ],
    [
      'claude-sonnet-4-6-max',
      'claude-sonnet-4-6',
      { thinking: { enabled: true, budgetTokens: 32_000 }, maxTokens: 64_000 },
    ],
    ['gpt-5-high', 'gpt-5', { reasoningEffort: 'high' }],
    [
      'claude-opus-4-6-thinking-low',
      'claude-opus-4-6',
      { thinking: { enabled: true }, reasoningEffort: 'low' },
    ],
  ])('%s is %s with its overrides', (name, base, overrides) => {
    expect(resolveVariant(name, STANDARD_SUFFIX_RULES, isModel)).toEqual({ base, overrides });
  });

  it('leaves known models, unknown bases and bare suffixes alone', () => {
    expect(resolveVariant('claude-opus-4-6', STANDARD_SUFFIX_RULES, isModel)).toBeNull();
    expect(resolveVariant('unknown-thinking', STANDARD_SUFFIX_RULES, isModel)).toBeNull();
    expect(resolveVariant('-thinking', STANDARD_SUFFIX_RULES, () => false)).toBeNull();
    expect(resolveVariant('claude-opus-4-6-thinking', [], isModel)).toBeNull();
  });
});

describe('applyOverrides', () => {
  it('turns thinking on at medium effort, or keeps what the client asked', () => {
    expect(applyOverrides(ask, { thinking: { enabled: true } }).reasoning).toEqual({
      effort: 'medium',
      budgetTokens: null,
    });
    const asked = { ...ask, reasoning: { effort: null, budgetTokens: 5000 } };
    expect(applyOverrides(asked, { thinking: { enabled: true } }).reasoning).toEqual({
      effort: null,
      budgetTokens: 5000,
    });
  });

  it('turns thinking off as a budget of 0, whatever the client asked', () => {
    const asked = { ...ask, reasoning: { effort: 'high' as const, budgetTokens: null } };
    expect(applyOverrides(asked, { thinking: { enabled: false } }).reasoning).toEqual({
      effort: null,
      budgetTokens: 0,
    });
  });

  it('sets effort (replacing a client budget), max tokens, temperature and extra fields', () => {
    const asked = {
      ...ask,
      reasoning: { effort: null, budgetTokens: 3000 },
      maxTokens: 100,
      extraFields: { a: 1 },
    };
    expect(
      applyOverrides(asked, {
        reasoningEffort: 'high',
        maxTokens: 9000,
        temperature: 0.2,
        extraFields: { b: 2 },
      }),
    ).toMatchObject({
      reasoning: { effort: 'high', budgetTokens: null },
      maxTokens: 9000,
      temperature: 0.2,
      extraFields: { a: 1, b: 2 },
    });
    expect(asked.maxTokens).toBe(100);
  });
});

describe('a -thinking variant from an OpenAI-format client', () => {
  const parsed = openAIChat.client.parseRequest(
    { model: 'claude-opus-4-6-thinking', messages: [{ role: 'user', content: 'hi' }] },
    null,
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  const variant = resolveVariant(parsed.request.model, STANDARD_SUFFIX_RULES, isModel)!;
  const request = applyOverrides(parsed.request, variant.overrides);

  it('turns thinking on upstream on an Anthropic channel', () => {
    const body = JSON.parse(
      anthropicMessages.upstream.buildRequest(request, variant.base).body,
    ) as {
      model: string;
      thinking?: unknown;
      max_tokens: number;
    };
    expect(body.model).toBe('claude-opus-4-6');
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(body.max_tokens).toBeGreaterThan(4096);
  });

  it('and on a Gemini channel; extra fields reach the body as they are', () => {
    const withExtra = applyOverrides(request, {
      extraFields: { cachedContent: 'cachedContents/c1' },
    });
    const body = JSON.parse(gemini.upstream.buildRequest(withExtra, 'gemini-2.5-pro').body) as {
      generationConfig: { thinkingConfig: unknown };
      cachedContent: string;
    };
    expect(body.generationConfig.thinkingConfig).toEqual({
      thinkingBudget: 8192,
      includeThoughts: true,
    });
    expect(body.cachedContent).toBe('cachedContents/c1');
  });
});
