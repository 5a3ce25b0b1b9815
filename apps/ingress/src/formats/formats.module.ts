import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { LimitsModule } from '../limits/limits.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { EmbeddingsService } from './embeddings.service';
import { FormatService } from './format.service';
import { FormatsController } from './formats.controller';

@Module({
  imports: [KeysModule, LimitsModule, UpstreamModule],
  controllers: [FormatsController],
  providers: [EmbeddingsService, FormatService],
})
export class FormatsModule {}
