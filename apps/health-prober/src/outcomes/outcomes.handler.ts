import { Controller } from '@nestjs/common';
import { EventPayload, UpstreamOutcomeRecorded } from '@relaymesh/contracts';
import { ContractPayload, OnEvent } from '@relaymesh/messaging';
import { OutcomesService } from './outcomes.service';

@Controller()
export class OutcomesHandler {
  constructor(private readonly outcomes: OutcomesService) {}

  @OnEvent(UpstreamOutcomeRecorded, { shared: true })
  onOutcome(
    @ContractPayload(UpstreamOutcomeRecorded) outcome: EventPayload<typeof UpstreamOutcomeRecorded>,
  ): Promise<void> {
    return this.outcomes.record(outcome);
  }
}
