import { Module } from '@nestjs/common';
import { PricingModule } from '../pricing/pricing.module';
import { DeadLetterHandler } from './dead-letter.handler';
import { DeadLetterRepository, SqlDeadLetterRepository } from './dead-letter.repository';
import { DeadLetterService } from './dead-letter.service';
import { UsageWriter } from './usage-writer.service';
import { UsageHandler } from './usage.handler';
import { SqlUsageRepository, UsageRepository } from './usage.repository';

@Module({
  imports: [PricingModule],
  controllers: [UsageHandler, DeadLetterHandler],
  providers: [
    UsageWriter,
    DeadLetterService,
    { provide: UsageRepository, useClass: SqlUsageRepository },
    { provide: DeadLetterRepository, useClass: SqlDeadLetterRepository },
  ],
})
export class UsageModule {}
