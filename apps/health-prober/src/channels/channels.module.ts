import { Module } from '@nestjs/common';
import { ChannelDirectory } from './channel-directory.service';
import { RoutingSnapshotHandler } from './routing-snapshot.handler';

@Module({
  controllers: [RoutingSnapshotHandler],
  providers: [ChannelDirectory],
  exports: [ChannelDirectory],
})
export class ChannelsModule {}
