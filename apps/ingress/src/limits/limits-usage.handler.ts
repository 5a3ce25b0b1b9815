import { Controller } from '@nestjs/common';
import { EventPayload, LimitsUsage } from '@relaymesh/contracts';
import { ContractPayload, OnEvent } from '@relaymesh/messaging';
import { RateLimiter } from './rate-limiter.service';

/** Every replica hears every other replica's counts (a broadcast, no queue group). */
@Controller()
export class LimitsUsageHandler {
  constructor(private readonly limiter: RateLimiter) {}

  @OnEvent(LimitsUsage)
  onUsage(@ContractPayload(LimitsUsage) message: EventPayload<typeof LimitsUsage>): void {
    this.limiter.receive(message);
  }
}
