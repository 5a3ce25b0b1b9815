import { ingressChannel } from '../__fixtures__/ingress-channel';
import type { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import { GatewayError } from '../http/gateway-error';
import { estimatedCount, planCountTokens } from './count-tokens-plan';
import { CountTokensPlan, attemptFor } from './relay-plan';

const channel = (type: IngressChannel['type']) => ingressChannel(type, { models: ['g'] });

const CONTENTS = [{ role: 'user', parts: [{ text: 'How many tokens is this?' }] }];
const geminiCount = (body: unknown): CountTokensPlan =>
  planCountTokens({ format: 'gemini', body, pathModel: 'g', formatHeaders: {} });

/** The attempt for a channel type: its path, the body it sends, and how its answer is rendered. */
function attempt(plan: CountTokensPlan, type: IngressChannel['type']) {
  const planned = attemptFor(plan, channel(type), 'up-g', () => 0);
  if (planned === null) return null;
  if (planned.kind !== 'http') throw new Error('a count is never answered locally');
  return {
    path: planned.request.path,
    body: JSON.parse(planned.request.body) as Record<string, unknown>,
    reading: planned.reading,
  };
}

describe('planCountTokens (Gemini :countTokens)', () => {
  it('should pass contents through to a Gemini channel as they are, under the upstream model', () => {
    const sent = attempt(geminiCount({ contents: CONTENTS }), 'gemini');
    expect(sent).toMatchObject({
      path: '/v1beta/models/up-g:countTokens',
      body: { contents: CONTENTS },
      reading: { kind: 'relay_json' },
    });
  });

  it("should name the upstream model in a generateContentRequest passed through, not the client's", () => {
    const plan = geminiCount({
      generateContentRequest: { model: 'models/g', contents: CONTENTS, futureField: 1 },
    });
    expect(attempt(plan, 'gemini')?.body).toEqual({
      generateContentRequest: { model: 'models/up-g', contents: CONTENTS, futureField: 1 },
    });
  });

  it("should ask an Anthropic channel's count_tokens with the prompt translated, answering totalTokens", () => {
    const plan = geminiCount({
      generateContentRequest: {
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: CONTENTS,
        generationConfig: { maxOutputTokens: 99, temperature: 0.2 },
      },
    });
    const sent = attempt(plan, 'anthropic');
    expect(sent?.path).toBe('/v1/messages/count_tokens');
    // Only what count_tokens takes: the real API refuses max_tokens, temperature or stream as extra inputs.
    expect(sent?.body).toEqual({
      model: 'up-g',
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'How many tokens is this?' }] }],
    });
    if (sent?.reading.kind !== 'render_json') throw new Error('a translated count is rendered');
    expect(sent.reading.render({ input_tokens: 17 }).body).toEqual({ totalTokens: 17 });
  });

  it('should leave OpenAI-format channels out and estimate in the Gemini shape', () => {
    const plan = geminiCount({ contents: [{ role: 'user', parts: [{ text: 'x'.repeat(400) }] }] });
    expect(attempt(plan, 'openai')).toBeNull();
    const estimate = estimatedCount(plan) as { totalTokens: number };
    expect(Object.keys(estimate)).toEqual(['totalTokens']);
    expect(estimate.totalTokens).toBeGreaterThanOrEqual(100);
    expect(estimate.totalTokens).toBeLessThan(120);
  });

  it.each<[string, unknown]>([
    [
      'both contents and generateContentRequest',
      { contents: CONTENTS, generateContentRequest: {} },
    ],
    ['a generateContentRequest that is not an object', { generateContentRequest: [1] }],
    ['contents that are not a list', { contents: 'hi' }],
    ['a body that is not an object', [CONTENTS]],
  ])('should refuse %s with a 400', (_name, body) => {
    expect(() => geminiCount(body)).toThrow(GatewayError);
    try {
      geminiCount(body);
    } catch (err) {
      expect((err as GatewayError).status).toBe(400);
    }
  });
});

describe('planCountTokens (Anthropic count_tokens)', () => {
  it("should translate to a Gemini channel's countTokens and answer input_tokens", () => {
    const plan = planCountTokens({
      format: 'anthropic',
      body: { model: 'g', messages: [{ role: 'user', content: 'hi' }] },
      pathModel: null,
      formatHeaders: {},
    });
    const sent = attempt(plan, 'gemini');
    expect(sent?.path).toBe('/v1beta/models/up-g:countTokens');
    expect(sent?.body).toMatchObject({ generateContentRequest: { model: 'models/up-g' } });
    if (sent?.reading.kind !== 'render_json') throw new Error('a translated count is rendered');
    expect(sent.reading.render({ totalTokens: 12 }).body).toEqual({ input_tokens: 12 });
  });
});
