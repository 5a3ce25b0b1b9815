// Credit leases over NATS: grants and releases from ingress replicas, and the ledger's own caught-up
// announcements, after which ended leases are dropped. Thin: validate, call, reply.
import { Controller } from '@nestjs/common';
import {
  CreditLeaseGrant,
  CreditLeaseRelease,
  EventPayload,
  LedgerCaughtUp,
  ReplyPayload,
  RequestPayload,
} from '@relaymesh/contracts';
import { ContractPayload, OnEvent, OnRequest } from '@relaymesh/messaging';
import { CreditLeases } from './credit-leases.service';

@Controller()
export class CreditLeasesHandler {
  constructor(private readonly leases: CreditLeases) {}

  @OnRequest(CreditLeaseGrant)
  grant(
    @ContractPayload(CreditLeaseGrant) request: RequestPayload<typeof CreditLeaseGrant>,
  ): Promise<ReplyPayload<typeof CreditLeaseGrant>> {
    return this.leases.grant(request);
  }

  @OnRequest(CreditLeaseRelease)
  async release(
    @ContractPayload(CreditLeaseRelease)
    { key_id, holder, release_usd }: RequestPayload<typeof CreditLeaseRelease>,
  ): Promise<ReplyPayload<typeof CreditLeaseRelease>> {
    return { released: await this.leases.release(key_id, holder, release_usd) };
  }

  /** One ledger replica's announcement covers the whole consumer; any replica may drop the rows. */
  @OnEvent(LedgerCaughtUp, { shared: true })
  async caughtUp(
    @ContractPayload(LedgerCaughtUp) { caught_up_at }: EventPayload<typeof LedgerCaughtUp>,
  ): Promise<void> {
    await this.leases.caughtUp(Date.parse(caught_up_at));
  }
}
