import { ModelPrice } from '@relaymesh/contracts';
import { priceOf, recordCost, toPrice } from './price-rule';
import { Price } from './price-usage';

const price = (inputUsdPerMtok: number): Price => ({
  inputUsdPerMtok,
  outputUsdPerMtok: 10,
  cacheReadMultiplier: 0.1,
  cacheWriteMultiplier: 1.25,
});

describe('priceOf', () => {
  const prices = new Map([
    ['alias', price(1)],
    ['upstream-name', price(2)],
  ]);

  it.each([
    ['the client’s model when it is priced', 'alias', 'upstream-name', 1],
    ['the upstream model when only it is priced', 'unpriced', 'upstream-name', 2],
    ['the upstream model when the client named none', null, 'upstream-name', 2],
    ['nothing when neither is priced', 'unpriced', 'also-unpriced', null],
    ['nothing when no model is known', null, null, null],
  ])('should take %s', (_, model, upstreamModel, expected) => {
    expect(priceOf(prices, model, upstreamModel)?.inputUsdPerMtok ?? null).toBe(expected);
  });
});

describe('recordCost', () => {
  const tokens = {
    input_tokens: 1000,
    output_tokens: 100,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
  };

  it('should price every token kind of a record', () => {
    expect(recordCost(tokens, price(2))).toBe((1000 * 2 + 100 * 10) / 1e6);
    expect(
      recordCost({ ...tokens, cache_read_tokens: 500, cache_write_tokens: 100 }, price(2)),
    ).toBe((400 * 2 + 500 * 2 * 0.1 + 100 * 2 * 1.25 + 100 * 10) / 1e6);
  });

  it('should cost nothing without a price', () => {
    expect(recordCost(tokens, null)).toBe(0);
  });
});

describe('toPrice', () => {
  it('should read the wire’s price list entry', () => {
    const wire: ModelPrice = {
      model: 'm',
      input_usd_per_mtok: 3,
      output_usd_per_mtok: 15,
      cache_read_multiplier: 0.1,
      cache_write_multiplier: 1.25,
      updated_at: '2026-01-01T00:00:00.000Z',
    };
    expect(toPrice(wire)).toEqual({
      inputUsdPerMtok: 3,
      outputUsdPerMtok: 15,
      cacheReadMultiplier: 0.1,
      cacheWriteMultiplier: 1.25,
    });
  });
});
