// The arithmetic of credit at ingress, pure so it is table-tested. The ledger's balance reaches ingress a
// moment after each debit; meanwhile a key could spend far past its credit with many requests in flight. So
// each admitted request reserves an estimate of its cost (its prompt from the body size, its output from
// max_tokens or a default), and each finished one counts at its actual cost until the ledger's key.changed
// says it debited it. A request is admitted while the credit left after all of those is above zero, so the
// overshoot is bounded by what the last admitted requests cost beyond their estimates.
import { Price, priceUsage } from '@relaymesh/pricing';

/** Prompt tokens are guessed at a quarter of the body's characters (JSON syntax makes it an over-estimate). */
export const CHARS_PER_TOKEN = 4;

export interface ReservationInput {
  /** Characters of the request body as JSON. */
  bodyChars: number;
  /** The client's output cap; null when it set none. */
  maxTokens: number | null;
  /** Output tokens assumed when the client set no cap. */
  defaultOutputTokens: number;
  /** Embeddings produce no output tokens. */
  producesOutput: boolean;
}

export function reservationFor(input: ReservationInput, price: Price): number {
  return priceUsage(
    {
      input: Math.ceil(input.bodyChars / CHARS_PER_TOKEN),
      output: input.producesOutput ? (input.maxTokens ?? input.defaultOutputTokens) : 0,
      cacheRead: 0,
      cacheWrite: 0,
    },
    price,
  );
}

export interface CreditState {
  /** remaining_usd of the ledger's latest record of the key. */
  remainingUsd: number;
  /** Estimates of the requests in flight. */
  reservedUsd: number;
  /** Actual costs of finished requests the ledger has not debited yet (as far as this replica knows). */
  pendingUsd: number;
}

export function availableUsd(state: CreditState): number {
  return state.remainingUsd - state.reservedUsd - state.pendingUsd;
}

export type CreditDecision = { ok: true } | { ok: false; reason: 'exhausted' };

/** Admitted while something is left; the request's own estimate is reserved after admission. */
export function admit(state: CreditState): CreditDecision {
  return availableUsd(state) > 0 ? { ok: true } : { ok: false, reason: 'exhausted' };
}
