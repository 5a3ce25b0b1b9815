import { Module } from '@nestjs/common';
import { ChannelHealthHandler } from './channel-health.handler';
import { SnapshotStore } from './snapshot-store.service';
import { SnapshotHandler } from './snapshot.handler';

@Module({
  controllers: [SnapshotHandler, ChannelHealthHandler],
  providers: [SnapshotStore],
  exports: [SnapshotStore],
})
export class RoutingSnapshotModule {}
