// Which price a usage record is charged at, and what it costs: the one rule both sides apply, the ledger to
// what it debits and ingress to what it holds pending until the ledger's debit arrives. Were they written twice,
// ingress's view of a key's credit would drift from the ledger's the first time one of them changed.
import type { ModelPrice, UsageRecord } from '@relaymesh/contracts';
import { Price, priceUsage } from './price-usage';

/** The wire's price (snake_case, as the ledger publishes it) as the arithmetic takes it. */
export function toPrice(price: ModelPrice): Price {
  return {
    inputUsdPerMtok: price.input_usd_per_mtok,
    outputUsdPerMtok: price.output_usd_per_mtok,
    cacheReadMultiplier: price.cache_read_multiplier,
    cacheWriteMultiplier: price.cache_write_multiplier,
  };
}

/**
 * The price of a model as the client named it, else of the model the channel serves it as (an operator may
 * price the public alias, the upstream name, or both; the alias wins).
 */
export function priceOf(
  prices: ReadonlyMap<string, Price>,
  model: string | null,
  upstreamModel: string | null,
): Price | null {
  return (
    (model !== null ? prices.get(model) : undefined) ??
    (upstreamModel !== null ? prices.get(upstreamModel) : undefined) ??
    null
  );
}

export type PricedTokens = Pick<
  UsageRecord,
  'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'cache_write_tokens'
>;

/** What a usage record costs at `price`; an unpriced model costs nothing (and is counted by the caller). */
export function recordCost(record: PricedTokens, price: Price | null): number {
  if (price === null) return 0;
  return priceUsage(
    {
      input: record.input_tokens,
      output: record.output_tokens,
      cacheRead: record.cache_read_tokens,
      cacheWrite: record.cache_write_tokens,
    },
    price,
  );
}
