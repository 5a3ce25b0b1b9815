import { Module } from '@nestjs/common';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { ChannelCooldowns } from './channel-cooldowns';
import { UpstreamCaller } from './upstream-call.service';
import { UpstreamPools } from './upstream-pool.service';

@Module({
  imports: [RoutingSnapshotModule],
  providers: [ChannelCooldowns, UpstreamCaller, UpstreamPools],
  exports: [UpstreamCaller],
})
export class UpstreamModule {}
