// Feeds the OpenTelemetry GenAI server metrics and token usage from every finished data-plane request, as a
// request observer: the request path only hands over its trace (the per-attempt client duration is recorded
// where attempts are made, in the upstream caller).
import { Injectable } from '@nestjs/common';
import {
  genAiClientTokenUsage,
  genAiServerRequestDuration,
  genAiServerTimeToFirstToken,
  labelledChildren,
} from '@relaymesh/telemetry';
import { RequestObservers, RequestTrace } from '../http/request-trace';
import { genAiObservation } from './gen-ai-observation';

// Each request observes four histograms; their children are looked up once per label combination (values in
// labelNames order: operation, provider, request model, then error type / response model and token type).
const requestDurationBy = labelledChildren((...v) => genAiServerRequestDuration.labels(...v));
const timeToFirstTokenBy = labelledChildren((...v) => genAiServerTimeToFirstToken.labels(...v));
const tokenUsageBy = labelledChildren((...v) => genAiClientTokenUsage.labels(...v));

@Injectable()
export class GenAiMetrics {
  constructor(observers: RequestObservers) {
    observers.add((trace) => this.record(trace));
  }

  private record(trace: Readonly<RequestTrace>): void {
    const observation = genAiObservation(trace, performance.now());
    if (observation === null) return;
    const { gen_ai_operation_name: operation, gen_ai_provider_name: provider } = observation.labels;
    const model = observation.labels.gen_ai_request_model;
    requestDurationBy(operation, provider, model, observation.errorType).observe(
      observation.durationSeconds,
    );
    if (observation.timeToFirstTokenSeconds !== null) {
      timeToFirstTokenBy(operation, provider, model).observe(observation.timeToFirstTokenSeconds);
    }
    if (observation.tokens !== null) {
      const { input, output, responseModel } = observation.tokens;
      tokenUsageBy(operation, provider, model, responseModel, 'input').observe(input);
      tokenUsageBy(operation, provider, model, responseModel, 'output').observe(output);
    }
  }
}
