import { Module } from '@nestjs/common';
import {
  ChannelHealthRepository,
  TypeOrmChannelHealthRepository,
} from './channel-health.repository';
import { OutcomesHandler } from './outcomes.handler';
import { OutcomesService } from './outcomes.service';

@Module({
  controllers: [OutcomesHandler],
  providers: [
    OutcomesService,
    { provide: ChannelHealthRepository, useClass: TypeOrmChannelHealthRepository },
  ],
})
export class OutcomesModule {}
