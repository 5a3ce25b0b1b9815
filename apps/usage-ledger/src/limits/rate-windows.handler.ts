// Shared windows of small rpm/tpm limits over NATS (see libs/contracts limits-shared.ts). Thin: validate, call,
// reply. Time is the ledger's clock: one clock for every replica's requests of a key.
import { Controller } from '@nestjs/common';
import {
  EventPayload,
  LimitsAdmit,
  LimitsCharge,
  ReplyPayload,
  RequestPayload,
} from '@relaymesh/contracts';
import { ContractPayload, OnEvent, OnRequest } from '@relaymesh/messaging';
import { RateWindowRepository } from './rate-window.repository';

@Controller()
export class RateWindowsHandler {
  constructor(private readonly windows: RateWindowRepository) {}

  @OnRequest(LimitsAdmit)
  async admit(
    @ContractPayload(LimitsAdmit) { key_id }: RequestPayload<typeof LimitsAdmit>,
  ): Promise<ReplyPayload<typeof LimitsAdmit>> {
    const result = await this.windows.admit(key_id, Date.now());
    if (!result.found) return { found: false, admitted: false, refusal: null };
    const { decision } = result;
    return decision.ok
      ? { found: true, admitted: true, refusal: null }
      : {
          found: true,
          admitted: false,
          refusal: {
            limit: decision.limit,
            allowed: decision.allowed,
            used: decision.used,
            retry_after: decision.retryAfter,
          },
        };
  }

  @OnEvent(LimitsCharge, { shared: true })
  async charge(
    @ContractPayload(LimitsCharge) { key_id, tokens, at }: EventPayload<typeof LimitsCharge>,
  ): Promise<void> {
    await this.windows.charge(key_id, tokens, Date.parse(at));
  }
}
