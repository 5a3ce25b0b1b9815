import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { ConfigFileService } from './config-file.service';

@Module({ imports: [ChannelsModule], providers: [ConfigFileService] })
export class ConfigFileModule {}
