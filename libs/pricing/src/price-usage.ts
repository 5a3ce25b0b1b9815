// What a request cost: a pure function of its token counts and its model's price, so the arithmetic is tested
// without I/O. Token convention of libs/protocols/src/usage.ts: `input` counts every prompt token, cached ones
// included, and the cache parts are priced apart from the plain input.
export interface Price {
  inputUsdPerMtok: number;
  outputUsdPerMtok: number;
  cacheReadMultiplier: number;
  cacheWriteMultiplier: number;
}

export interface Tokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * cost = (uncached input × in + cache read × in × read mult + cache write × in × write mult + output × out) / 1e6.
 * Cache parts larger than the input (an upstream reporting them apart) are not charged twice: the uncached part
 * never goes below zero.
 */
export function priceUsage(tokens: Tokens, price: Price): number {
  const uncached = Math.max(0, tokens.input - tokens.cacheRead - tokens.cacheWrite);
  const perMtok =
    uncached * price.inputUsdPerMtok +
    tokens.cacheRead * price.inputUsdPerMtok * price.cacheReadMultiplier +
    tokens.cacheWrite * price.inputUsdPerMtok * price.cacheWriteMultiplier +
    tokens.output * price.outputUsdPerMtok;
  // Rounded to the ledger's precision (numeric(20,10)) so sums in JS and in Postgres agree.
  return Math.round(perMtok * 1e4) / 1e10;
}
