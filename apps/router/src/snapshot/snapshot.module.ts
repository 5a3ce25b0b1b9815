import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { SnapshotHandler } from './snapshot.handler';
import { SnapshotService } from './snapshot.service';

@Module({
  imports: [ChannelsModule],
  controllers: [SnapshotHandler],
  providers: [SnapshotService],
})
export class SnapshotModule {}
