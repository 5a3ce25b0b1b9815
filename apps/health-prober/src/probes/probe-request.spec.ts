import { KnownChannel } from '../channels/known-channel';
import { PROBE_HEADER, buildProbeRequest, probeModel } from './probe-request';

const channel = (over: Partial<KnownChannel>): KnownChannel => ({
  id: 'c1',
  name: 'c1',
  type: 'openai',
  base_url: 'https://api.example.com',
  keys: ['sk-one'],
  models: ['house-model'],
  model_mapping: { 'house-model': 'gpt-5-mini' },
  headers: { 'x-org': 'acme' },
  secrets: ['sk-one'],
  timeout_ms: 30_000,
  status: 'enabled',
  groups: ['default'],
  priority: 0,
  weight: 1,
  ...over,
});

describe('probe request', () => {
  it.each<[string, Partial<KnownChannel>, string | null]>([
    ['the first model through the mapping', {}, 'gpt-5-mini'],
    ['an unmapped model as it is', { model_mapping: {} }, 'house-model'],
    ['a mapping target when no model is listed', { models: [] }, 'gpt-5-mini'],
    ['nothing without models', { models: [], model_mapping: {} }, null],
    [
      "a variant's upstream model",
      {
        model_mapping: {
          'house-model': { model: 'gpt-5', overrides: { reasoning_effort: 'high' } },
        },
      },
      'gpt-5',
    ],
    [
      "a variant's upstream model when no model is listed",
      { models: [], model_mapping: { v: { model: 'gpt-5', overrides: { max_tokens: 9 } } } },
      'gpt-5',
    ],
  ])('should ask for %s', (_, over, model) => {
    expect(probeModel(channel(over))).toBe(model);
  });

  it('should ask OpenAI for one token with the channel key and headers', () => {
    const request = buildProbeRequest(channel({}), 'sk-one')!;
    expect(request).toMatchObject({
      origin: 'https://api.example.com',
      path: '/v1/chat/completions',
      model: 'gpt-5-mini',
      headers: { authorization: 'Bearer sk-one', 'x-org': 'acme', [PROBE_HEADER]: '1' },
    });
    expect(JSON.parse(request.body)).toMatchObject({
      model: 'gpt-5-mini',
      max_completion_tokens: 1,
      messages: [{ role: 'user' }],
    });
  });

  it('should speak Anthropic and Gemini to their channels', () => {
    const anthropic = buildProbeRequest(channel({ type: 'anthropic' }), 'sk-ant-x')!;
    expect(anthropic.path).toBe('/v1/messages');
    expect(anthropic.headers['x-api-key']).toBe('sk-ant-x');
    expect(JSON.parse(anthropic.body)).toMatchObject({ max_tokens: 1 });
    const gemini = buildProbeRequest(channel({ type: 'gemini' }), 'AIza-x')!;
    expect(gemini.path).toContain('/models/gpt-5-mini:generateContent');
    expect(gemini.headers['x-goog-api-key']).toBe('AIza-x');
    expect(JSON.parse(gemini.body)).toMatchObject({ generationConfig: { maxOutputTokens: 1 } });
  });

  it('should not build one for a mock channel or one without a model', () => {
    expect(buildProbeRequest(channel({ type: 'mock', base_url: null }), '')).toBeNull();
    expect(buildProbeRequest(channel({ models: [], model_mapping: {} }), 'sk-one')).toBeNull();
  });
});
