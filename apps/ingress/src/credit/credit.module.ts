import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { CreditEventsHandler } from './credit-events.handler';
import { CreditGuard } from './credit-guard.service';
import { KeyInfoController } from './key-info.controller';
import { PriceBook } from './price-book.service';

@Module({
  imports: [KeysModule],
  controllers: [CreditEventsHandler, KeyInfoController],
  providers: [CreditGuard, PriceBook],
  exports: [CreditGuard],
})
export class CreditModule {}
