import { Module } from '@nestjs/common';
import { RelayModule } from '../relay/relay.module';
import { ResponsesStateModule } from '../responses-state/responses-state.module';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { CountTokensService } from './count-tokens.service';
import { EmbeddingsService } from './embeddings.service';
import { GenerationService } from './generation.service';

/** What each kind of data-plane route does once dispatched: read, admit, plan, relay. */
@Module({
  imports: [RelayModule, ResponsesStateModule, RoutingSnapshotModule],
  providers: [CountTokensService, EmbeddingsService, GenerationService],
  exports: [CountTokensService, EmbeddingsService, GenerationService],
})
export class EndpointsModule {}
