// One line per finished data-plane request for operators who want an access log (RELAYMESH_ACCESS_LOG).
// Built from the request's trace only, never from its headers, URL or body: the client's key (in
// `authorization`, `x-api-key`, `x-goog-api-key` or `?key=`), the prompt and the answer cannot reach the log,
// because the line has no field that could carry them. The key is named by its id, which is not a secret.
import type { RequestTrace } from '../http/request-trace';

export interface AccessLogEntry {
  request_id: string;
  route: string;
  format: string;
  status: number;
  key_id: string | null;
  model: string | null;
  stream: boolean;
  channel: string | null;
  upstream_model: string | null;
  attempts: number;
  latency_ms: number;
  first_byte_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  /** A failure after the answer had started (a stream cut mid-way: the status stays 200). */
  late_error: string | null;
}

const ms = (value: number) => Math.round(value * 10) / 10;

/** The access-log entry of a finished request; `now` is `performance.now()` at its end. */
export function accessLogEntry(trace: Readonly<RequestTrace>, now: number): AccessLogEntry {
  return {
    request_id: trace.requestId,
    route: trace.route,
    format: trace.format,
    status: trace.status,
    key_id: trace.key?.id ?? null,
    model: trace.model,
    stream: trace.stream,
    channel: trace.channel?.name ?? null,
    upstream_model: trace.upstreamModel,
    attempts: trace.attempts,
    latency_ms: ms(now - trace.startedAt),
    first_byte_ms: trace.firstByteAt === null ? null : ms(trace.firstByteAt - trace.startedAt),
    input_tokens: trace.usage?.inputTokens ?? null,
    output_tokens: trace.usage?.outputTokens ?? null,
    cache_read_tokens: trace.usage?.cacheReadTokens ?? null,
    late_error: trace.lateError,
  };
}
