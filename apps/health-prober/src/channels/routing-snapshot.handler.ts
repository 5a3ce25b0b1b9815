// Every routing snapshot the router broadcasts (no queue group: every prober replica learns the channels).
import { Controller } from '@nestjs/common';
import { EventPayload, RoutingSnapshotPublished } from '@relaymesh/contracts';
import { ContractPayload, OnEvent } from '@relaymesh/messaging';
import { ChannelDirectory } from './channel-directory.service';

@Controller()
export class RoutingSnapshotHandler {
  constructor(private readonly directory: ChannelDirectory) {}

  @OnEvent(RoutingSnapshotPublished)
  onPublished(
    @ContractPayload(RoutingSnapshotPublished)
    snapshot: EventPayload<typeof RoutingSnapshotPublished>,
  ): void {
    this.directory.adopt(snapshot);
  }
}
