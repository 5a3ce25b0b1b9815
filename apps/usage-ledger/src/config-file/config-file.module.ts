import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { PricingModule } from '../pricing/pricing.module';
import { ConfigFileService } from './config-file.service';

@Module({ imports: [KeysModule, PricingModule], providers: [ConfigFileService] })
export class ConfigFileModule {}
