// A finished request's trace as the usage record the ledger meters: pure, so what is billed is table-tested.
// Only requests that had an authenticated key are metered; refusals before authentication (401) are not.
//
// An interrupted stream (the client left, or the upstream cut it) is billed for what the upstream had reported
// before the cut, and what it had not is estimated from the prompt and the answer delivered (see
// ../usage/cut-stream-usage.ts); its late error says why it ended (`client` when the client left).
//
// Its text is normalised here, at the source (the contract's normaliser): a client's model name or title may
// hold a NUL, a lone surrogate or a megabyte, and a record the ledger cannot store must never be published.
import { UsageRecord, normaliseUsageRecord } from '@relaymesh/contracts';
import { RequestTrace } from '../http/request-trace';

export function toUsageRecord(
  trace: Readonly<RequestTrace>,
  id: string,
  endedAt: number,
): UsageRecord | null {
  if (!trace.key) return null;
  const usage = trace.usage;
  return normaliseUsageRecord({
    id,
    request_id: trace.requestId,
    key_id: trace.key.id,
    channel_id: trace.channel?.id ?? null,
    model: trace.model,
    upstream_model: trace.upstreamModel,
    format: trace.format,
    route: trace.route,
    stream: trace.stream,
    input_tokens: usage?.inputTokens ?? 0,
    output_tokens: usage?.outputTokens ?? 0,
    cache_read_tokens: usage?.cacheReadTokens ?? 0,
    cache_write_tokens: usage?.cacheWriteTokens ?? 0,
    status: trace.status,
    late_error: trace.lateError,
    latency_ms: roundMs(endedAt - trace.startedAt),
    ttft_ms: trace.firstByteAt === null ? null : roundMs(trace.firstByteAt - trace.startedAt),
    referer: trace.referer,
    title: trace.title,
    attempts: trace.attempts,
    attempt_log: trace.attemptLog.map((attempt) => ({
      ...attempt,
      started_ms: roundMs(attempt.started_ms),
      duration_ms: roundMs(attempt.duration_ms),
    })),
    ...(trace.droppedTools.length > 0 ? { dropped_tools: [...trace.droppedTools] } : {}),
    ...(trace.bodies !== null ? { bodies: trace.bodies } : {}),
    created_at: new Date(trace.receivedAt).toISOString(),
  });
}

function roundMs(ms: number): number {
  return Math.max(0, Math.round(ms * 1000) / 1000);
}
