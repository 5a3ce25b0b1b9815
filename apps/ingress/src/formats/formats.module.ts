import { Module } from '@nestjs/common';
import { CreditModule } from '../credit/credit.module';
import { KeysModule } from '../keys/keys.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { EmbeddingsService } from './embeddings.service';
import { FormatService } from './format.service';
import { FormatsController } from './formats.controller';

@Module({
  imports: [CreditModule, KeysModule, UpstreamModule],
  controllers: [FormatsController],
  providers: [EmbeddingsService, FormatService],
})
export class FormatsModule {}
