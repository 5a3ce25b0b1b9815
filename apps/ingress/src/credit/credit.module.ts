import { Module } from '@nestjs/common';
import { CreditEventsHandler } from './credit-events.handler';
import { CreditGuard } from './credit-guard.service';
import { PriceBook } from './price-book.service';

@Module({
  controllers: [CreditEventsHandler],
  providers: [CreditGuard, PriceBook],
  exports: [CreditGuard],
})
export class CreditModule {}
