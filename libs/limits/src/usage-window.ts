// Per-key rpm/tpm arithmetic, pure (time is passed in): a sliding one-minute window of per-second buckets of
// requests admitted and tokens charged, and the decision whether one more request fits under a key's limits
// given the windows of every replica, with the Retry-After that frees enough room.
//
// A bucket stamped with epoch second `s` counts while `s > floor(now / 1000) - 60`, so it leaves the window at
// `(s + 60) * 1000` ms. Whole-second buckets make the window between 59 and 60 seconds long: a refusal may come
// up to one second early, never late.
import type { UsageBucket } from '@relaymesh/contracts';

export const WINDOW_SECONDS = 60;

export function secondOf(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

/** One replica's counts for one key: a ring of WINDOW_SECONDS buckets indexed by epoch second. */
export class UsageWindow {
  private readonly seconds = new Array<number>(WINDOW_SECONDS).fill(-1);
  private readonly requests = new Array<number>(WINDOW_SECONDS).fill(0);
  private readonly tokens = new Array<number>(WINDOW_SECONDS).fill(0);

  /** A window holding what another replica reported. */
  static fromBuckets(buckets: readonly UsageBucket[]): UsageWindow {
    const window = new UsageWindow();
    for (const [second, requests, tokens] of buckets) window.addAt(second, requests, tokens);
    return window;
  }

  add(nowMs: number, requests: number, tokens: number): void {
    this.addAt(secondOf(nowMs), requests, tokens);
  }

  /** The buckets still inside the window at `nowMs`, oldest first. */
  buckets(nowMs: number): UsageBucket[] {
    const now = secondOf(nowMs);
    const out: UsageBucket[] = [];
    for (let i = 0; i < WINDOW_SECONDS; i++) {
      const second = this.seconds[i];
      if (inWindow(second, now) && (this.requests[i] > 0 || this.tokens[i] > 0)) {
        out.push([second, this.requests[i], this.tokens[i]]);
      }
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  isEmpty(nowMs: number): boolean {
    const now = secondOf(nowMs);
    return this.seconds.every((second) => !inWindow(second, now));
  }

  /** Adds this window's live buckets into per-offset totals (`offset` 0 = the oldest second of the window). */
  accumulate(nowMs: number, requests: number[], tokens: number[]): void {
    const now = secondOf(nowMs);
    for (let i = 0; i < WINDOW_SECONDS; i++) {
      const second = this.seconds[i];
      if (!inWindow(second, now)) continue;
      const offset = second - (now - WINDOW_SECONDS + 1);
      requests[offset] += this.requests[i];
      tokens[offset] += this.tokens[i];
    }
  }

  private addAt(second: number, requests: number, tokens: number): void {
    const index = second % WINDOW_SECONDS;
    if (this.seconds[index] !== second) {
      // A bucket from an older minute (or a newer one than `second`, which only a skewed clock sends): reuse
      // the slot only for a newer second, so a late report never wipes fresher counts.
      if (this.seconds[index] > second) return;
      this.seconds[index] = second;
      this.requests[index] = 0;
      this.tokens[index] = 0;
    }
    this.requests[index] += requests;
    this.tokens[index] += tokens;
  }
}

function inWindow(second: number, now: number): boolean {
  return second > now - WINDOW_SECONDS && second <= now;
}

export interface KeyLimits {
  rpm: number | null;
  tpm: number | null;
}

export type LimitDecision =
  | { ok: true }
  | {
      ok: false;
      limit: 'rpm' | 'tpm';
      /** What the key may use per minute, and what the window holds now (across replicas). */
      allowed: number;
      used: number;
      /** Whole seconds until enough of the window has expired for one more request to fit (at least 1). */
      retryAfter: number;
    };

/**
 * Whether one more request fits: fewer than `rpm` requests admitted and fewer than `tpm` tokens charged in the
 * last minute, summed over every replica's window. When both limits are exhausted, the one that frees later
 * decides (its Retry-After is when the request would really pass).
 */
export function decideLimits(
  limits: KeyLimits,
  windows: Iterable<UsageWindow>,
  nowMs: number,
): LimitDecision {
  const requests = new Array<number>(WINDOW_SECONDS).fill(0);
  const tokens = new Array<number>(WINDOW_SECONDS).fill(0);
  for (const window of windows) window.accumulate(nowMs, requests, tokens);
  const refusals: Extract<LimitDecision, { ok: false }>[] = [];
  for (const [limit, allowed, perSecond] of [
    ['rpm', limits.rpm, requests],
    ['tpm', limits.tpm, tokens],
  ] as const) {
    if (allowed === null) continue;
    const used = perSecond.reduce((sum, n) => sum + n, 0);
    if (used < allowed) continue;
    refusals.push({
      ok: false,
      limit,
      allowed,
      used,
      retryAfter: secondsUntilBelow(perSecond, allowed, nowMs),
    });
  }
  if (refusals.length === 0) return { ok: true };
  return refusals.reduce((a, b) => (b.retryAfter > a.retryAfter ? b : a));
}

/**
 * Seconds from `nowMs` until the oldest buckets have left the window and what remains is below `allowed`.
 * `perSecond[0]` is the oldest second still in the window; it leaves at the start of the second 60 s later.
 */
export function secondsUntilBelow(
  perSecond: readonly number[],
  allowed: number,
  nowMs: number,
): number {
  let remaining = perSecond.reduce((sum, n) => sum + n, 0);
  const oldest = secondOf(nowMs) - WINDOW_SECONDS + 1;
  for (let offset = 0; offset < perSecond.length; offset++) {
    remaining -= perSecond[offset];
    if (remaining < allowed) {
      const freedAtMs = (oldest + offset + WINDOW_SECONDS) * 1000;
      return Math.max(1, Math.ceil((freedAtMs - nowMs) / 1000));
    }
  }
  return WINDOW_SECONDS;
}
