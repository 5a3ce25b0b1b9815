// Reads token usage from a Responses `usage` object (in a `response`, or in the `response.completed` event of a
// stream) into the gateway's convention (../usage.ts): `input_tokens` already counts the cached tokens, and
// `output_tokens` the reasoning tokens, exactly as TokenUsage wants them.
import { isCount, isRecord } from '../json';
import type { TokenUsage } from '../usage';

/** Usage of a `response` object; null when it carries none. */
export function usageFromResponse(json: unknown): TokenUsage | null {
  return isRecord(json) ? usageFromResponsesUsage(json.usage) : null;
}

/** Null when neither token count is present; a missing count next to a present one reads as 0. */
export function usageFromResponsesUsage(usage: unknown): TokenUsage | null {
  if (!isRecord(usage)) return null;
  const { input_tokens: input, output_tokens: output } = usage;
  if (!isCount(input) && !isCount(output)) return null;
  const inputTokens = isCount(input) ? input : 0;
  const cacheReadTokens = Math.min(
    detail(usage.input_tokens_details, 'cached_tokens') ?? 0,
    inputTokens,
  );
  const cacheWrite = detail(usage.input_tokens_details, 'cache_write_tokens') ?? 0;
  const reasoning = detail(usage.output_tokens_details, 'reasoning_tokens');
  return {
    inputTokens,
    outputTokens: isCount(output) ? output : 0,
    cacheReadTokens,
    // Newer responses report cache writes too (0 for OpenAI's implicit caching); never more than the rest.
    cacheWriteTokens: Math.min(cacheWrite, inputTokens - cacheReadTokens),
    ...(reasoning === null ? {} : { reasoningTokens: reasoning }),
  };
}

function detail(details: unknown, field: string): number | null {
  if (!isRecord(details)) return null;
  const value = details[field];
  return isCount(value) ? value : null;
}
