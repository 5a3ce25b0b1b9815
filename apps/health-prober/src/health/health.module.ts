import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { LeaderElection } from '../leadership/leader-election.service';
import { Prober } from '../probes/prober.service';
import { ChannelHealthHandler } from './channel-health.handler';
import { ChannelTestHandler } from './channel-test.handler';
import { HealthRepository, TypeOrmHealthRepository } from './health.repository';
import { HealthService } from './health.service';
import { OutcomesHandler } from './outcomes.handler';

@Module({
  imports: [ChannelsModule],
  controllers: [OutcomesHandler, ChannelTestHandler, ChannelHealthHandler],
  providers: [
    HealthService,
    LeaderElection,
    Prober,
    { provide: HealthRepository, useClass: TypeOrmHealthRepository },
  ],
  exports: [HealthService, LeaderElection],
})
export class HealthModule {}
