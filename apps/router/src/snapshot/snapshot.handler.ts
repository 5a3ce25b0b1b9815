// Answers ingress replicas that ask for the current snapshot, and learns what other router replicas publish.
import { Controller } from '@nestjs/common';
import {
  EventPayload,
  RoutingSnapshot,
  RoutingSnapshotGet,
  RoutingSnapshotPublished,
} from '@relaymesh/contracts';
import { ContractPayload, OnEvent, OnRequest } from '@relaymesh/messaging';
import { SnapshotService } from './snapshot.service';

@Controller()
export class SnapshotHandler {
  constructor(private readonly snapshots: SnapshotService) {}

  @OnRequest(RoutingSnapshotGet)
  get(): Promise<RoutingSnapshot> {
    return this.snapshots.snapshot();
  }

  @OnEvent(RoutingSnapshotPublished)
  onPublished(
    @ContractPayload(RoutingSnapshotPublished)
    snapshot: EventPayload<typeof RoutingSnapshotPublished>,
  ): void {
    this.snapshots.adopt(snapshot);
  }
}
