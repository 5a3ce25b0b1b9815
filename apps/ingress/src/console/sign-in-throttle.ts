// Bounded sign-in attempts per client address, for the operator's and the key holder's console sign-in alike
// (one budget: alternating between the two doubles nothing). An address that has failed `limit` times within a
// window is refused with 429 and Retry-After until its window ends, whatever it presents then: a guesser learns
// nothing more by trying, and a right token sent during the lockout waits too. A success does not reset the
// count, or a guesser holding any valid client key could clear its own failures between guesses.
//
// Per replica and in memory: with N replicas behind a balancer an address gets at most N × limit guesses per
// window, still far from enough against a ≥ 16-character token. Pure (time passed in) and bounded: at most
// `maxAddresses` are remembered; past that the oldest entry goes first (an attacker with that many addresses
// can clear entries, never grow memory).
import { GatewayError } from '../http/gateway-error';

export interface ThrottleSettings {
  /** Failed sign-ins allowed per address per window. */
  limit: number;
  windowMs: number;
  maxAddresses: number;
}

export const SIGN_IN_THROTTLE: ThrottleSettings = {
  limit: 10,
  windowMs: 5 * 60_000,
  maxAddresses: 10_000,
};

interface Failures {
  /** When the address's first failure of the window happened. */
  since: number;
  count: number;
}

export class SignInThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly settings: ThrottleSettings = SIGN_IN_THROTTLE) {}

  /** Whole seconds until the address may try again (for Retry-After), or 0 when it may now. */
  retryAfterSeconds(address: string, nowMs: number): number {
    const entry = this.current(address, nowMs);
    if (!entry || entry.count < this.settings.limit) return 0;
    return Math.max(1, Math.ceil((entry.since + this.settings.windowMs - nowMs) / 1000));
  }

  /** A sign-in from the address presented nothing valid. */
  failed(address: string, nowMs: number): void {
    const entry = this.current(address, nowMs);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= this.settings.maxAddresses) {
      const oldest = this.failures.keys().next();
      if (!oldest.done) this.failures.delete(oldest.value);
    }
    this.failures.set(address, { since: nowMs, count: 1 });
  }

  /** How many addresses are remembered (for the bound's test). */
  get size(): number {
    return this.failures.size;
  }

  private current(address: string, nowMs: number): Failures | undefined {
    const entry = this.failures.get(address);
    if (entry && nowMs - entry.since >= this.settings.windowMs) {
      this.failures.delete(address);
      return undefined;
    }
    return entry;
  }
}

/** The refusal of an address that has used its failed sign-ins, in the admin API's envelope. */
export function signInThrottled(retryAfter: number): GatewayError {
  return new GatewayError(
    429,
    `Too many failed sign-ins from this address; retry after ${retryAfter} s.`,
    { code: 'too_many_sign_ins', retryAfter },
  );
}
