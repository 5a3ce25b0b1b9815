// The broadcasts credit follows: price changes (for estimates) and the ledger's recalls of idle leases.
import { Controller } from '@nestjs/common';
import { CreditLeaseRecall, EventPayload, ModelPriceChanged } from '@relaymesh/contracts';
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

  @OnEvent(CreditLeaseRecall)
  onLeaseRecall(
    @ContractPayload(CreditLeaseRecall) event: EventPayload<typeof CreditLeaseRecall>,
  ): void {
    this.credit.recall(event.key_id, event.requested_by);
  }
}
