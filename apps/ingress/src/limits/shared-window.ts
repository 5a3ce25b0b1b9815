// Which keys' limits are decided on the ledger's shared counter, and what a replica remembers of a refusal
// from it. Pure so it is table-tested.
//
// Why a shared counter for small limits and not leased slices of the window: at rpm ≤ 1,000 a slice would have
// to shrink to one request to stay exact (rpm 5 over 2 replicas), which is the same round trip per request
// as asking the counter, with the slice's bookkeeping on top. A key at a small limit makes at most its limit
// of round trips a minute; a refusal is remembered until its Retry-After, so a client hammering a refused key
// costs no round trip either. Large limits keep the broadcast (limits.usage.v1): no round trip at all, and an
// overshoot small next to the limit.
import type { KeyLimits, LimitDecision } from '@relaymesh/limits';

export interface SharedLimitsBounds {
  rpmMax: number;
  tpmMax: number;
}

export function sharesWindow(limits: KeyLimits, bounds: SharedLimitsBounds): boolean {
  return (
    (limits.rpm !== null && limits.rpm <= bounds.rpmMax) ||
    (limits.tpm !== null && limits.tpm <= bounds.tpmMax)
  );
}

export interface RememberedRefusal {
  /** The key's limits when it was refused: a changed limit asks the counter again. */
  limits: KeyLimits;
  refusal: Extract<LimitDecision, { ok: false }>;
  /** When the window frees (the refusal's Retry-After from when it was given). */
  untilMs: number;
}

/** The remembered refusal, still standing at `nowMs` for a key with `limits`, with its Retry-After now. */
export function standingRefusal(
  remembered: RememberedRefusal | undefined,
  limits: KeyLimits,
  nowMs: number,
): Extract<LimitDecision, { ok: false }> | null {
  if (!remembered || remembered.untilMs <= nowMs) return null;
  if (remembered.limits.rpm !== limits.rpm || remembered.limits.tpm !== limits.tpm) return null;
  return {
    ...remembered.refusal,
    retryAfter: Math.max(1, Math.ceil((remembered.untilMs - nowMs) / 1000)),
  };
}
