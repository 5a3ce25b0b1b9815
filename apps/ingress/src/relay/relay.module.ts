import { Module } from '@nestjs/common';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { ChannelCooldowns } from './channel-cooldowns';
import { OutcomeReporter } from './outcome-reporter';
import { UpstreamPools } from './upstream-pool.service';
import { UpstreamRelay } from './upstream-relay.service';

/** The relay: carries a planned request out against the channels (upstream-relay.service.ts). */
@Module({
  imports: [RoutingSnapshotModule],
  providers: [ChannelCooldowns, OutcomeReporter, UpstreamPools, UpstreamRelay],
  exports: [UpstreamRelay],
})
export class RelayModule {}
