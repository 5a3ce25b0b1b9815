import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/admission.module';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { CountTokensService } from './count-tokens.service';
import { EmbeddingsService } from './embeddings.service';
import { FormatService } from './format.service';

@Module({
  imports: [AdmissionModule, RoutingSnapshotModule, UpstreamModule],
  providers: [CountTokensService, EmbeddingsService, FormatService],
  exports: [CountTokensService, EmbeddingsService, FormatService],
})
export class FormatsModule {}
