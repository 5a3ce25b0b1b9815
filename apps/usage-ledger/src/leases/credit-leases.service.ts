// Grants, gives back and ends credit leases (see libs/contracts credit-lease.ts for the protocol and
// lease-grant.ts for the arithmetic). Time is passed in, so tests move the clock.
import { Injectable } from '@nestjs/common';
import {
  CreditLeaseGrant,
  CreditLeaseRecall,
  ReplyPayload,
  RequestPayload,
} from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { CreditLeaseRepository } from './credit-lease.repository';

/**
 * A lease lives this long without another grant. Its holder asks again well before (ingress renews at half),
 * so only a crashed or cut-off replica's lease runs out; its credit then returns to the key.
 */
export const LEASE_TTL_MS = 30_000;
/** How far another ledger replica's clock (its caught-up time) may be ahead of this one's. */
export const LEDGER_CLOCK_SKEW_MS = 2_000;

@Injectable()
export class CreditLeases {
  constructor(
    private readonly leases: CreditLeaseRepository,
    private readonly bus: MessageBus,
  ) {}

  async grant(
    { key_id, holder, want_usd }: RequestPayload<typeof CreditLeaseGrant>,
    now = Date.now(),
  ): Promise<ReplyPayload<typeof CreditLeaseGrant>> {
    const result = await this.leases.grant(
      key_id,
      holder,
      want_usd,
      new Date(now + LEASE_TTL_MS),
      new Date(now),
    );
    const none = {
      granted_usd: 0,
      remaining_usd: 0,
      held_elsewhere_usd: 0,
      budget_left_usd: null,
      budget_resets_at: null,
      ttl_ms: LEASE_TTL_MS,
    };
    if (!result.found) return { found: false, unlimited: false, ...none };
    if (result.unlimited) return { found: true, unlimited: true, ...none };
    // Short of what was asked while others hold the rest: idle holders give theirs back.
    if (result.grantedUsd < want_usd && result.heldElsewhereUsd > 0) {
      this.bus.emit(CreditLeaseRecall, { key_id, requested_by: holder });
    }
    return {
      found: true,
      unlimited: false,
      granted_usd: result.grantedUsd,
      remaining_usd: result.remainingUsd,
      held_elsewhere_usd: result.heldElsewhereUsd,
      budget_left_usd: result.budget?.leftUsd ?? null,
      budget_resets_at: result.budget ? new Date(result.budget.resetsAt).toISOString() : null,
      ttl_ms: LEASE_TTL_MS,
    };
  }

  release(keyId: string, holder: string, releaseUsd: number, now = Date.now()): Promise<boolean> {
    return this.leases.release(keyId, holder, releaseUsd, new Date(now));
  }

  /** The ledger was caught up at `caughtUpAt`: leases that ended before then hold nothing any more. */
  caughtUp(caughtUpAt: number): Promise<number> {
    return this.leases.dropEnded(new Date(caughtUpAt), LEDGER_CLOCK_SKEW_MS);
  }
}
