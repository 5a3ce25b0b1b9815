// How much of a key's balance one more grant of a lease may take, pure so it is table-tested. The leases of a
// key are slices of its balance: what every holder holds (unspent grants and spent costs not debited yet) never
// exceeds credit − used, whatever the order in which concurrent grants are served (the caller holds the key's
// row lock while it reads the leases and writes the grant).

export interface LeaseGrantInput {
  /** The key's credit − used, as the locked row says. */
  remainingUsd: number;
  /** What every lease of the key holds, the asking holder's included. */
  heldUsd: number;
  /** What the holder asks for. */
  wantUsd: number;
}

/** Money is stored to 1e-10 USD: a grant is rounded down to it, so rounding never grants past the balance. */
const USD_STEP = 1e10;

export function leaseGrant({ remainingUsd, heldUsd, wantUsd }: LeaseGrantInput): number {
  const free = remainingUsd - heldUsd;
  return Math.max(0, Math.floor(Math.min(wantUsd, free) * USD_STEP) / USD_STEP);
}

/**
 * Whether a lease still holds money for its key at `now`: until it expired or was given back AND the ledger
 * was caught up since (plus a margin for clocks of other ledger replicas). Until then its records may still be
 * on their way (stored in the stream, not yet debited), so dropping it would let the key spend them twice; the
 * debits themselves take each record's cost out of the lease as they land.
 */
export function leaseEnded(
  lease: { expiresAt: number; releasedAt: number | null },
  caughtUpAt: number,
  skewMs: number,
): boolean {
  const endedAt = Math.min(lease.expiresAt, lease.releasedAt ?? Number.POSITIVE_INFINITY);
  return endedAt + skewMs < caughtUpAt;
}
