import { Controller } from '@nestjs/common';
import { EventPayload, RoutingSnapshotPublished } from '@relaymesh/contracts';
import { ContractPayload, OnEvent } from '@relaymesh/messaging';
import { SnapshotStore } from './snapshot-store.service';

/** Every replica hears every published snapshot (a broadcast, no queue group). */
@Controller()
export class SnapshotHandler {
  constructor(private readonly store: SnapshotStore) {}

  @OnEvent(RoutingSnapshotPublished)
  onPublished(
    @ContractPayload(RoutingSnapshotPublished)
    snapshot: EventPayload<typeof RoutingSnapshotPublished>,
  ): void {
    this.store.adopt(snapshot);
  }
}
