import { Controller } from '@nestjs/common';
import { ChannelHealthAnnounced, ChannelHealthChanged, EventPayload } from '@relaymesh/contracts';
import { ContractPayload, OnEvent } from '@relaymesh/messaging';
import { SnapshotStore } from './snapshot-store.service';

/**
 * The health-prober's word on channels, straight from their owner (a broadcast: every replica hears it), applied
 * on top of the configuration snapshot.
 */
@Controller()
export class ChannelHealthHandler {
  constructor(private readonly store: SnapshotStore) {}

  @OnEvent(ChannelHealthChanged)
  onChanged(
    @ContractPayload(ChannelHealthChanged) report: EventPayload<typeof ChannelHealthChanged>,
  ): void {
    this.store.applyHealth(report);
  }

  @OnEvent(ChannelHealthAnnounced)
  onAnnounced(
    @ContractPayload(ChannelHealthAnnounced) table: EventPayload<typeof ChannelHealthAnnounced>,
  ): void {
    this.store.replaceHealth(table);
  }
}
