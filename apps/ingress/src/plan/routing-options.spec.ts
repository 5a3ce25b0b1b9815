import { NO_PREFERENCES } from '@relaymesh/routing';
import { routingOptions } from './routing-options';

describe('routingOptions', () => {
  it('is the model alone and no preferences for a plain body', () => {
    expect(routingOptions({ model: 'a' }, 'a')).toEqual({
      ok: true,
      options: { models: ['a'], preferences: NO_PREFERENCES },
    });
  });

  it('chains models then fallbacks after the requested model, once each', () => {
    const result = routingOptions({ models: ['b', 'a'], fallbacks: ['c', 'b'] }, 'a');
    expect(result.ok && result.options.models).toEqual(['a', 'b', 'c']);
  });

  it('reads OpenRouter provider preferences and ignores knobs it does not use', () => {
    const result = routingOptions(
      {
        provider: {
          order: ['anthropic'],
          only: ['anthropic', 'openai'],
          ignore: ['azure'],
          allow_fallbacks: false,
          sort: 'latency',
          data_collection: 'deny',
        },
      },
      'a',
    );
    expect(result.ok && result.options.preferences).toEqual({
      order: ['anthropic'],
      only: ['anthropic', 'openai'],
      ignore: ['azure'],
      allowFallbacks: false,
      sort: 'latency',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['models not a list', { models: 'b' }, 'models'],
    ['fallbacks with a number', { fallbacks: ['b', 3] }, 'fallbacks'],
    ['provider not an object', { provider: 'openai' }, 'provider'],
    ['an unknown sort', { provider: { sort: 'cheapest' } }, 'provider.sort'],
    ['order not a list', { provider: { order: 'openai' } }, 'provider.order'],
  ])('refuses %s, naming the param', (_, body, param) => {
    const result = routingOptions(body, 'a');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.param).toBe(param);
  });
});
