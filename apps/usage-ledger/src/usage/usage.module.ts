import { Module } from '@nestjs/common';
import { PricingModule } from '../pricing/pricing.module';
import { DeadLetterRepository, SqlDeadLetterRepository } from './dead-letter.repository';
import { UsageWriter } from './usage-writer.service';
import { UsageHandler } from './usage.handler';
import { SqlUsageRepository, UsageRepository } from './usage.repository';

@Module({
  imports: [PricingModule],
  controllers: [UsageHandler],
  providers: [
    UsageWriter,
    { provide: UsageRepository, useClass: SqlUsageRepository },
    { provide: DeadLetterRepository, useClass: SqlDeadLetterRepository },
  ],
})
export class UsageModule {}
