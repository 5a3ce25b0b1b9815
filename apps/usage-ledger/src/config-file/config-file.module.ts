import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { ConfigFileService } from './config-file.service';

@Module({ imports: [KeysModule], providers: [ConfigFileService] })
export class ConfigFileModule {}
