import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { CreditEventsHandler } from './credit-events.handler';
import { CreditGuard } from './credit-guard.service';
import { PriceBook } from './price-book.service';

@Module({
  imports: [KeysModule],
  controllers: [CreditEventsHandler],
  providers: [CreditGuard, PriceBook],
  exports: [CreditGuard],
})
export class CreditModule {}
