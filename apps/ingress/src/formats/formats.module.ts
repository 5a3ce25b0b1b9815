import { Module } from '@nestjs/common';
import { CreditModule } from '../credit/credit.module';
import { KeysModule } from '../keys/keys.module';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { LimitsModule } from '../limits/limits.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { CountTokensService } from './count-tokens.service';
import { EmbeddingsService } from './embeddings.service';
import { FormatService } from './format.service';

@Module({
  imports: [CreditModule, KeysModule, LimitsModule, RoutingSnapshotModule, UpstreamModule],
  providers: [CountTokensService, EmbeddingsService, FormatService],
  exports: [CountTokensService, EmbeddingsService, FormatService],
})
export class FormatsModule {}
