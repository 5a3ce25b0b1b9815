// Feeds the OpenTelemetry GenAI server metrics and token usage from every finished data-plane request, as a
// request observer: the request path only hands over its trace (the per-attempt client duration is recorded
// where attempts are made, in the upstream caller).
import { Injectable } from '@nestjs/common';
import {
  genAiClientTokenUsage,
  genAiServerRequestDuration,
  genAiServerTimeToFirstToken,
} from '@relaymesh/telemetry';
import { RequestObservers, RequestTrace } from '../http/request-trace';
import { genAiObservation } from './gen-ai-observation';

@Injectable()
export class GenAiMetrics {
  constructor(observers: RequestObservers) {
    observers.add((trace) => this.record(trace));
  }

  private record(trace: Readonly<RequestTrace>): void {
    const observation = genAiObservation(trace, performance.now());
    if (observation === null) return;
    const { labels } = observation;
    genAiServerRequestDuration.observe(
      { ...labels, error_type: observation.errorType },
      observation.durationSeconds,
    );
    if (observation.timeToFirstTokenSeconds !== null) {
      genAiServerTimeToFirstToken.observe(labels, observation.timeToFirstTokenSeconds);
    }
    if (observation.tokens !== null) {
      const { input, output, responseModel } = observation.tokens;
      const tokenLabels = { ...labels, gen_ai_response_model: responseModel };
      genAiClientTokenUsage.observe({ ...tokenLabels, gen_ai_token_type: 'input' }, input);
      genAiClientTokenUsage.observe({ ...tokenLabels, gen_ai_token_type: 'output' }, output);
    }
  }
}
