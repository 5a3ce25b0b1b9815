import { Price, priceUsage } from './price-usage';

const gpt: Price = {
  inputUsdPerMtok: 2,
  outputUsdPerMtok: 8,
  cacheReadMultiplier: 0.1,
  cacheWriteMultiplier: 1.25,
};

describe('priceUsage', () => {
  it.each([
    ['nothing used', { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, gpt, 0],
    ['input only', { input: 1_000_000, output: 0, cacheRead: 0, cacheWrite: 0 }, gpt, 2],
    ['output only', { input: 0, output: 1_000_000, cacheRead: 0, cacheWrite: 0 }, gpt, 8],
    [
      'input and output',
      { input: 1000, output: 500, cacheRead: 0, cacheWrite: 0 },
      gpt,
      (1000 * 2 + 500 * 8) / 1e6,
    ],
    [
      'cache reads at a tenth of input, the rest at the input rate',
      { input: 1000, output: 0, cacheRead: 800, cacheWrite: 0 },
      gpt,
      (200 * 2 + 800 * 2 * 0.1) / 1e6,
    ],
    [
      'cache writes at 1.25× input',
      { input: 1000, output: 10, cacheRead: 0, cacheWrite: 600 },
      gpt,
      (400 * 2 + 600 * 2 * 1.25 + 10 * 8) / 1e6,
    ],
    [
      'reads, writes, plain input and output together',
      { input: 10_000, output: 2_000, cacheRead: 6_000, cacheWrite: 3_000 },
      { ...gpt, cacheReadMultiplier: 0.5, cacheWriteMultiplier: 2 },
      (1_000 * 2 + 6_000 * 2 * 0.5 + 3_000 * 2 * 2 + 2_000 * 8) / 1e6,
    ],
    [
      'cache parts above the input are not charged twice as plain input',
      { input: 100, output: 0, cacheRead: 300, cacheWrite: 0 },
      gpt,
      (300 * 2 * 0.1) / 1e6,
    ],
    [
      'a free model',
      { input: 5000, output: 5000, cacheRead: 10, cacheWrite: 10 },
      {
        inputUsdPerMtok: 0,
        outputUsdPerMtok: 0,
        cacheReadMultiplier: 0.1,
        cacheWriteMultiplier: 1.25,
      },
      0,
    ],
  ])('%s', (_, tokens, price, expected) => {
    expect(priceUsage(tokens, price)).toBeCloseTo(expected, 10);
  });

  it('should round to the ledger precision of 1e-10 USD', () => {
    const cost = priceUsage(
      { input: 1, output: 0, cacheRead: 0, cacheWrite: 0 },
      { ...gpt, inputUsdPerMtok: 0.000_04 },
    );

    expect(cost).toBe(0); // 4e-11 USD
    expect(priceUsage({ input: 7, output: 3, cacheRead: 0, cacheWrite: 0 }, gpt)).toBe(0.000038);
  });
});
