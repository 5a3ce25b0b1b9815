import { Module } from '@nestjs/common';
import { PricingModule } from '../pricing/pricing.module';
import { BodyRetention } from './body-retention.service';
import { DeadLetterHandler } from './dead-letter.handler';
import { DeadLetterRepository, SqlDeadLetterRepository } from './dead-letter.repository';
import { DeadLetterService } from './dead-letter.service';
import { UsageSummaryHandler } from './usage-summary.handler';
import { SqlUsageSummaryRepository, UsageSummaryRepository } from './usage-summary.repository';
import { UsageSummaryService } from './usage-summary.service';
import { UsageWriter } from './usage-writer.service';
import { UsageHandler } from './usage.handler';
import { SqlUsageRepository, UsageRepository } from './usage.repository';

@Module({
  imports: [PricingModule],
  controllers: [UsageHandler, DeadLetterHandler, UsageSummaryHandler],
  providers: [
    UsageWriter,
    BodyRetention,
    DeadLetterService,
    UsageSummaryService,
    { provide: UsageRepository, useClass: SqlUsageRepository },
    { provide: DeadLetterRepository, useClass: SqlDeadLetterRepository },
    { provide: UsageSummaryRepository, useClass: SqlUsageSummaryRepository },
  ],
})
export class UsageModule {}
