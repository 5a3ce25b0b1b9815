// The arithmetic of a replica's credit lease, pure so it is table-tested (issue 18). The ledger grants each
// replica a slice of a key's balance (key.lease.grant.v1); the replica admits requests against what its slice
// has left after the costs of finished requests and the expected costs of requests in flight, with no round
// trip until the slice runs low. The slices of all replicas never exceed the balance, so the key overshoots
// only by what the requests in flight when it runs out cost beyond what was expected of them (their learned
// average: about nothing for requests of steady size), plus, on a replica that has not learned the key's or
// model's cost yet, the one request it serves to learn it: overshoot ≤ one request per replica beyond the
// estimate errors. A request that does not fit while others of the key are in flight waits for them rather
// than being refused (a nearly-empty key is served a few requests at a time); a key is refused only when what
// is left cannot cover one request.

/**
 * Money is stored to 1e-10 USD and summed in floating point: amounts this close count as equal, so a credit of
 * exactly N requests serves N (and what is left after them counts as used up).
 */
export const USD_EPSILON = 1e-9;

/** A slice asks for at least this many requests' worth at the expected cost: little held per replica. */
export const SLICE_REQUESTS = 20;

/**
 * How many requests' worth a slice asks for: SLICE_REQUESTS, or more for a busy key, so a grant is not
 * spent before it arrives: twice the key's requests in flight and waiting here (with a fixed 20, 64
 * concurrent requests ran 20 at a time, the rest waiting for a settle, and every 20 requests cost a grant:
 * a row-locked transaction in the ledger), and about a second of the key's admissions here. What a replica
 * holds and does not use goes back to the key when it is idle or another replica is short (recall).
 */
export function sliceRequests(demand: { concurrent: number; perSecond: number }): number {
  return Math.max(SLICE_REQUESTS, 2 * demand.concurrent, Math.ceil(demand.perSecond));
}

export interface LeaseState {
  /** Granted to this replica since its lease began. */
  grantedUsd: number;
  /** Actual costs of the requests that finished under it. */
  spentUsd: number;
  /** Expected costs of the requests in flight, and how many they are. */
  reservedUsd: number;
  inFlight: number;
  /** Until when the ledger keeps the lease (its ttl from when the last grant was asked); renewed at half. */
  expiresAt: number;
  renewAt: number;
  /** Not granted by the ledger (out of reach): the key's last known balance, see offlineLease. */
  offline: boolean;
}

export const NO_LEASE: LeaseState = {
  grantedUsd: 0,
  spentUsd: 0,
  reservedUsd: 0,
  inFlight: 0,
  expiresAt: 0,
  renewAt: 0,
  offline: false,
};

/**
 * The ledger cannot be reached (rule 5: the data plane keeps serving): the replica spends the key's last
 * known balance (from key.changed) for `forMs`, then tries the ledger again; what it spent offline is carried
 * from one offline period to the next, so a long outage does not hand the same balance out again. The price:
 * during an outage each replica may spend up to that balance, and the ledger bills it all once it is back.
 */
export function offlineLease(
  lease: LeaseState,
  lastKnownRemainingUsd: number,
  now: number,
  forMs: number,
): LeaseState {
  return {
    ...lease,
    grantedUsd: lastKnownRemainingUsd,
    spentUsd: lease.offline ? lease.spentUsd : 0,
    expiresAt: now + forMs,
    renewAt: now + forMs,
    offline: true,
  };
}

export function leaseLeft(lease: LeaseState): number {
  return lease.grantedUsd - lease.spentUsd - lease.reservedUsd;
}

export type LeaseDecision =
  | { kind: 'admit' }
  /** Ask the ledger for `wantUsd` more (0 only extends the lease); then decide again. */
  | { kind: 'grant'; wantUsd: number };

export interface RequestCost {
  /** What the request is expected to cost (cost-estimate.ts). */
  expectedUsd: number;
  /** False while no request of the key or the model has settled here: the expected cost is a guess. */
  learned: boolean;
  /** The most it may cost when the client set max_tokens; null when it did not. */
  capUsd: number | null;
}

/**
 * Whether the request fits the lease as it is at `now`: what is left covers its expected cost; or, while that
 * cost is only a guess (nothing of the key or model settled on this replica yet), something is left and
 * nothing of the key is in flight here, so the guess never refuses a key that has credit: one request is served
 * and its cost learned. Not max_tokens (the cap is only named in the refusal): a refusal that depended on the
 * request's own cap would let the next request without one through, and the 402 would flap.
 */
export function fits(lease: LeaseState, cost: RequestCost, now: number): boolean {
  if (now >= lease.expiresAt) return false;
  const left = leaseLeft(lease);
  return (
    left >= cost.expectedUsd - USD_EPSILON ||
    (!cost.learned && lease.inFlight === 0 && left > USD_EPSILON)
  );
}

/**
 * Admit on the lease, or ask the ledger first (for more, or to renew a lease past half its life); `slice`:
 * requests' worth a top-up asks for (sliceRequests).
 */
export function decide(
  lease: LeaseState,
  cost: RequestCost,
  now: number,
  slice = SLICE_REQUESTS,
): LeaseDecision {
  if (fits(lease, cost, now) && now < lease.renewAt) return { kind: 'admit' };
  const left = now < lease.expiresAt ? leaseLeft(lease) : 0;
  return { kind: 'grant', wantUsd: topUp(left, cost.expectedUsd, slice) };
}

/** What to ask for so the lease holds a slice again (nothing when it does: the grant only renews it). */
export function topUp(leftUsd: number, expectedUsd: number, slice = SLICE_REQUESTS): number {
  return Math.max(0, slice * expectedUsd - Math.max(0, leftUsd));
}

export interface ShortGrant {
  /** Requests of the key in flight on this replica: when they end, their estimates return to the lease. */
  inFlight: number;
  /** The key's balance as the ledger saw it, and what other replicas' leases hold of it. */
  remainingUsd: number;
  heldElsewhereUsd: number;
}

/**
 * The lease still cannot admit the request after a grant. Wait for a request of this replica to end; or,
 * when other replicas hold the rest, ask again shortly (the ledger told idle holders to give theirs back);
 * or, when what is left is spoken for by finished requests of this replica, the credit is used up.
 */
export function afterShortGrant(state: ShortGrant): 'wait' | 'ask-again' | 'used-up' {
  if (state.inFlight > 0) return 'wait';
  if (state.remainingUsd > 0 && state.heldElsewhereUsd > 0) return 'ask-again';
  return 'used-up';
}

/** The lease after a grant asked at `askedAt`: the ledger's ttl runs from then, so ours ends no later. */
export function granted(
  lease: LeaseState,
  grantedUsd: number,
  ttlMs: number,
  askedAt: number,
): LeaseState {
  // An expired lease was (or may be) dropped by the ledger with what it held, and an offline one was never
  // granted: start it again from nothing.
  const base =
    askedAt < lease.expiresAt && !lease.offline ? lease : { ...lease, grantedUsd: 0, spentUsd: 0 };
  return {
    ...base,
    offline: false,
    grantedUsd: base.grantedUsd + grantedUsd,
    expiresAt: askedAt + ttlMs,
    renewAt: askedAt + ttlMs / 2,
  };
}

/**
 * The 402's message: used up when nothing is left; otherwise what is left and that it does not cover what a
 * request is expected to cost, naming max_tokens when the client set it and it lets the request cost more.
 */
export function usedUpMessage(
  leftUsd: number,
  cost: RequestCost,
  cap: { maxTokens: number; costUsd: number } | null,
): string {
  if (leftUsd <= USD_EPSILON) {
    return 'You exceeded your current quota: the credit of this API key is used up. Ask the operator to add credit.';
  }
  const capNote =
    cap && cap.costUsd > leftUsd
      ? ` and max_tokens ${cap.maxTokens} lets it cost up to ${usd(cap.costUsd)} USD`
      : '';
  return (
    `You exceeded your current quota: this API key has ${usd(leftUsd)} USD of credit left, less than this ` +
    `request is expected to cost (${usd(cost.expectedUsd)} USD${capNote ? `,${capNote}` : ''}). Ask the ` +
    'operator to add credit.'
  );
}

function usd(value: number): string {
  return value.toPrecision(3).replace(/\.?0+$/, '');
}

/** The key's period budget as the ledger last published it (KeyRecord's budget fields). */
export interface PublishedBudget {
  budget_usd: number | null;
  budget_period: 'day' | 'week' | 'month' | null;
  budget_spent_usd: number | null;
  budget_resets_at: string | null;
}

/**
 * When the key's period budget, as last published, is spent and not reset yet at `now`: its reset time, so
 * every replica refuses it with no round trip; null otherwise (a stale record past its reset asks the ledger).
 */
export function budgetSpentUntil(budget: PublishedBudget, now: number): number | null {
  if (budget.budget_usd === null || budget.budget_spent_usd === null || !budget.budget_resets_at) {
    return null;
  }
  const resetsAt = Date.parse(budget.budget_resets_at);
  return resetsAt > now && budget.budget_spent_usd >= budget.budget_usd - USD_EPSILON
    ? resetsAt
    : null;
}

/** The 402 of a spent period budget: which budget, and when it resets (CONTRACT §2). */
export function budgetSpentMessage(
  period: 'day' | 'week' | 'month' | null,
  budgetUsd: number | null,
  resetsAt: string,
): string {
  const which = period ? `${period}ly budget`.replace('dayly', 'daily') : 'budget';
  const amount = budgetUsd === null ? '' : ` (${usd(budgetUsd)} USD)`;
  return (
    `You exceeded your current quota: the ${which} of this API key${amount} is spent. It resets at ` +
    `${resetsAt}.`
  );
}
