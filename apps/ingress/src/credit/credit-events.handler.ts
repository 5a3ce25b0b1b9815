// The broadcasts credit follows: price changes (for estimates), the ledger's debits (pending costs end) and
// its caught-up announcements (pending costs whose debit was not heard end). key.changed also reaches the key
// cache's own handler; Nest runs both.
import { Controller } from '@nestjs/common';
import { EventPayload, KeyChanged, LedgerCaughtUp, ModelPriceChanged } from '@relaymesh/contracts';
import { ContractPayload, OnEvent } from '@relaymesh/messaging';
import { CreditGuard } from './credit-guard.service';
import { PriceBook } from './price-book.service';

@Controller()
export class CreditEventsHandler {
  constructor(
    private readonly prices: PriceBook,
    private readonly credit: CreditGuard,
  ) {}

  @OnEvent(ModelPriceChanged)
  onPriceChanged(
    @ContractPayload(ModelPriceChanged) event: EventPayload<typeof ModelPriceChanged>,
  ): void {
    this.prices.apply(event.model, event.price);
  }

  @OnEvent(KeyChanged)
  onKeyChanged(@ContractPayload(KeyChanged) event: EventPayload<typeof KeyChanged>): void {
    if (event.debited) this.credit.debited(event.id, event.debited);
  }

  @OnEvent(LedgerCaughtUp)
  onLedgerCaughtUp(
    @ContractPayload(LedgerCaughtUp) event: EventPayload<typeof LedgerCaughtUp>,
  ): void {
    this.credit.ledgerCaughtUp(Date.parse(event.caught_up_at));
  }
}
