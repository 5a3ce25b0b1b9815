import { Module } from '@nestjs/common';
import { ChannelRepository, TypeOrmChannelRepository } from './channel.repository';
import { ChannelsHandler } from './channels.handler';
import { ChannelsService } from './channels.service';

@Module({
  controllers: [ChannelsHandler],
  providers: [ChannelsService, { provide: ChannelRepository, useClass: TypeOrmChannelRepository }],
  exports: [ChannelRepository, ChannelsService],
})
export class ChannelsModule {}
