// What one finished data-plane request adds to the OpenTelemetry GenAI metrics, as a pure function of its trace.
// Labels stay bounded: the model is named only once a channel was tried for it (so it is a catalogue model, never
// whatever a client typed), the provider is a channel type, the error a status code or an error class.
import { catalogueModelLabel, genAiMetricOperation, genAiProviderName } from '@relaymesh/telemetry';
import type { RequestTrace } from '../http/request-trace';

export interface GenAiObservation {
  labels: {
    gen_ai_operation_name: string;
    gen_ai_provider_name: string;
    gen_ai_request_model: string;
  };
  /** Empty on success, as the conventions leave `error.type` off then. */
  errorType: string;
  durationSeconds: number;
  /** Streams that succeeded only: time to the first byte the caller received. */
  timeToFirstTokenSeconds: number | null;
  /** As the upstream reported them; null when it reported none. */
  tokens: { input: number; output: number; responseModel: string } | null;
}

/** Null for a request that is no GenAI operation (token counting). `endedAt` is `performance.now()`. */
export function genAiObservation(
  trace: Readonly<RequestTrace>,
  endedAt: number,
): GenAiObservation | null {
  const operation = genAiMetricOperation(trace.route);
  if (operation === null) return null;
  const channel = trace.attempts > 0 ? trace.channel : null;
  const tried = channel !== null;
  const labels = {
    gen_ai_operation_name: operation,
    gen_ai_provider_name: tried ? genAiProviderName(channel.type) : '',
    gen_ai_request_model: catalogueModelLabel(trace.model, tried) ?? '',
  };
  const succeeded = trace.status > 0 && trace.status < 400;
  return {
    labels,
    errorType: trace.lateError ?? (succeeded ? '' : String(trace.status)),
    durationSeconds: Math.max(0, endedAt - trace.startedAt) / 1000,
    timeToFirstTokenSeconds:
      trace.stream && succeeded && trace.firstByteAt !== null
        ? Math.max(0, trace.firstByteAt - trace.startedAt) / 1000
        : null,
    tokens:
      tried && trace.usage !== null
        ? {
            input: trace.usage.inputTokens,
            output: trace.usage.outputTokens,
            responseModel: trace.upstreamModel ?? '',
          }
        : null,
  };
}
