// Upstream outcomes from every ingress replica. A broadcast, not a queue group: every prober replica folds
// every outcome, so each judges a channel on all of its traffic and a follower can take over warm.
import { Controller } from '@nestjs/common';
import { EventPayload, UpstreamOutcomesRecorded } from '@relaymesh/contracts';
import { ContractPayload, OnEvent } from '@relaymesh/messaging';
import { HealthService } from './health.service';

@Controller()
export class OutcomesHandler {
  constructor(private readonly health: HealthService) {}

  @OnEvent(UpstreamOutcomesRecorded)
  onOutcomes(
    @ContractPayload(UpstreamOutcomesRecorded) batch: EventPayload<typeof UpstreamOutcomesRecorded>,
  ): void {
    for (const outcome of batch.outcomes) this.health.onOutcome(outcome);
  }
}
