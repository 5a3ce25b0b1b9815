import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { LeaderElection } from '../leadership/leader-election.service';
import { Prober } from '../probes/prober.service';
import { ChannelHealthHandler } from './channel-health.handler';
import { ChannelHistory } from './channel-history.service';
import { ChannelTestHandler } from './channel-test.handler';
import { ChannelTransitionsHandler } from './channel-transitions.handler';
import { HealthRepository, TypeOrmHealthRepository } from './health.repository';
import { HealthService } from './health.service';
import { OutcomesHandler } from './outcomes.handler';

@Module({
  imports: [ChannelsModule],
  controllers: [
    OutcomesHandler,
    ChannelTestHandler,
    ChannelHealthHandler,
    ChannelTransitionsHandler,
  ],
  providers: [
    HealthService,
    ChannelHistory,
    LeaderElection,
    Prober,
    { provide: HealthRepository, useClass: TypeOrmHealthRepository },
  ],
  exports: [HealthService, LeaderElection],
})
export class HealthModule {}
