import { Price } from '@relaymesh/pricing';
import { CostHistory, costCap, ewma, firstGuess } from './cost-estimate';

const price: Price = {
  inputUsdPerMtok: 1,
  outputUsdPerMtok: 4,
  cacheReadMultiplier: 0.1,
  cacheWriteMultiplier: 1.25,
};

describe('ewma', () => {
  it('should start at the first sample and move a weight of the way to each next one', () => {
    expect(ewma(null, 10)).toBe(10);
    expect(ewma(10, 20, 0.3)).toBeCloseTo(13, 12);
    let average: number | null = null;
    for (let i = 0; i < 30; i++) average = ewma(average, 5);
    expect(average).toBeCloseTo(5, 12);
  });
});

describe('firstGuess', () => {
  it.each([
    [
      'the prompt from the body, output capped at the small default',
      { bodyChars: 4000, maxTokens: null, defaultOutputTokens: 256, producesOutput: true },
      (1000 * 1 + 256 * 4) / 1e6,
    ],
    [
      'a max_tokens above the default does not raise it',
      { bodyChars: 4000, maxTokens: 8192, defaultOutputTokens: 256, producesOutput: true },
      (1000 * 1 + 256 * 4) / 1e6,
    ],
    [
      'a max_tokens below the default lowers it',
      { bodyChars: 4000, maxTokens: 50, defaultOutputTokens: 256, producesOutput: true },
      (1000 * 1 + 50 * 4) / 1e6,
    ],
    [
      'no output for embeddings',
      { bodyChars: 400, maxTokens: null, defaultOutputTokens: 256, producesOutput: false },
      (100 * 1) / 1e6,
    ],
  ])('%s', (_, input, expected) => {
    expect(firstGuess(input, price)).toBeCloseTo(expected, 12);
  });

  it('should price the worst case of a capped request for the refusal message', () => {
    expect(costCap(4000, 1000, price)).toBeCloseTo((1000 + 4000) / 1e6, 12);
  });
});

describe('CostHistory', () => {
  const fallback = () => 99;

  it('should answer the (key, model) average, else the model across keys, else the fallback', () => {
    const history = new CostHistory();
    expect(history.expected('k1', 'm', fallback)).toEqual({ usd: 99, learned: false });
    history.learn('k2', 'm', 2);
    expect(history.expected('k1', 'm', fallback)).toEqual({ usd: 2, learned: true });
    history.learn('k1', 'm', 1);
    expect(history.expected('k1', 'm', fallback)).toEqual({ usd: 1, learned: true });
    expect(history.expected('k1', 'other', fallback)).toEqual({ usd: 99, learned: false });
  });

  it('should not learn from requests that cost nothing (a failure would teach the key 0)', () => {
    const history = new CostHistory();
    history.learn('k1', 'm', 0);
    expect(history.expected('k1', 'm', fallback).learned).toBe(false);
  });

  it('should forget the least recently learned pair past its bound', () => {
    const history = new CostHistory(2);
    history.learn('a', 'm1', 1);
    history.learn('b', 'm2', 2);
    history.learn('a', 'm1', 1);
    history.learn('c', 'm3', 3);
    expect(history.expected('b', 'm2', fallback).learned).toBe(false);
    expect(history.expected('a', 'm1', fallback).usd).toBe(1);
  });
});
