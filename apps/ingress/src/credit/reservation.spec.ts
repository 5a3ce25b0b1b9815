import { Price } from '@relaymesh/pricing';
import { admit, availableUsd, reservationFor } from './reservation';

const price: Price = {
  inputUsdPerMtok: 1,
  outputUsdPerMtok: 4,
  cacheReadMultiplier: 0.1,
  cacheWriteMultiplier: 1.25,
};

describe('reservationFor', () => {
  it.each([
    [
      'prompt from the body size, output from max_tokens',
      { bodyChars: 4000, maxTokens: 500, defaultOutputTokens: 1024, producesOutput: true },
      (1000 * 1 + 500 * 4) / 1e6,
    ],
    [
      'the default output when the client set no cap',
      { bodyChars: 4000, maxTokens: null, defaultOutputTokens: 1024, producesOutput: true },
      (1000 * 1 + 1024 * 4) / 1e6,
    ],
    [
      'a partial token of body rounds up',
      { bodyChars: 5, maxTokens: 0, defaultOutputTokens: 1024, producesOutput: true },
      (2 * 1) / 1e6,
    ],
    [
      'no output for embeddings',
      { bodyChars: 400, maxTokens: null, defaultOutputTokens: 1024, producesOutput: false },
      (100 * 1) / 1e6,
    ],
  ])('%s', (_, input, expected) => {
    expect(reservationFor(input, price)).toBeCloseTo(expected, 12);
  });

  it('should price every estimated prompt token as uncached input (an upper bound)', () => {
    const cheapCache = { ...price, cacheReadMultiplier: 0 };

    expect(
      reservationFor(
        { bodyChars: 400, maxTokens: 0, defaultOutputTokens: 0, producesOutput: true },
        cheapCache,
      ),
    ).toBeCloseTo(100 / 1e6, 12);
  });
});

describe('availableUsd and admit', () => {
  it.each([
    ['nothing in flight', { remainingUsd: 1, reservedUsd: 0, pendingUsd: 0 }, 1, true],
    ['in-flight estimates count', { remainingUsd: 1, reservedUsd: 0.4, pendingUsd: 0 }, 0.6, true],
    [
      'finished but not yet debited counts',
      { remainingUsd: 1, reservedUsd: 0.4, pendingUsd: 0.5 },
      0.1,
      true,
    ],
    ['exactly used up', { remainingUsd: 1, reservedUsd: 0.5, pendingUsd: 0.5 }, 0, false],
    ['the ledger says used up', { remainingUsd: 0, reservedUsd: 0, pendingUsd: 0 }, 0, false],
    ['overdrawn', { remainingUsd: -0.2, reservedUsd: 0, pendingUsd: 0 }, -0.2, false],
  ])('%s', (_, state, available, admitted) => {
    expect(availableUsd(state)).toBeCloseTo(available, 12);
    expect(admit(state)).toEqual(admitted ? { ok: true } : { ok: false, reason: 'exhausted' });
  });

  it('should bound the overshoot of a burst by what requests cost beyond their estimate', () => {
    // 100 concurrent requests of actual cost 1, estimated at 1.1, on a credit of 50.
    let reserved = 0;
    let admitted = 0;
    for (let n = 0; n < 100; n++) {
      if (!admit({ remainingUsd: 50, reservedUsd: reserved, pendingUsd: 0 }).ok) continue;
      reserved += 1.1;
      admitted++;
    }

    expect(admitted).toBe(46);
    expect(admitted * 1).toBeLessThanOrEqual(50);
  });
});
