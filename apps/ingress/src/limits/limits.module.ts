import { Module } from '@nestjs/common';
import { LimitsUsageHandler } from './limits-usage.handler';
import { RateLimiter } from './rate-limiter.service';

/** Per-key rpm/tpm limits, shared across replicas by broadcast (see rate-limiter.service.ts). */
@Module({
  controllers: [LimitsUsageHandler],
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class LimitsModule {}
