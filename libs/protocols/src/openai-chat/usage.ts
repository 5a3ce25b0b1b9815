// Reads token usage from an OpenAI Chat Completions `usage` object, in a non-stream response or in the last chunk
// of a stream, into the gateway's `TokenUsage` (see ../usage.ts for the convention: cached tokens are a part of
// `inputTokens`, exactly as OpenAI's `prompt_tokens` counts them).
import { isCount, isRecord } from '../json';
import type { TokenUsage } from '../usage';

/** Usage of a non-stream completion response body; null when it carries none. */
export function usageFromChatCompletion(json: unknown): TokenUsage | null {
  return isRecord(json) ? usageFromChatUsage(json.usage) : null;
}

/**
 * Usage from the `usage` object itself. Null when neither token count is present (a chunk's `"usage": null`, or
 * an OpenAI-compatible server that reports none); a missing count next to a present one reads as 0.
 */
export function usageFromChatUsage(usage: unknown): TokenUsage | null {
  if (!isRecord(usage)) return null;
  const { prompt_tokens: input, completion_tokens: output } = usage;
  if (!isCount(input) && !isCount(output)) return null;
  const inputTokens = isCount(input) ? input : 0;
  return {
    inputTokens,
    outputTokens: isCount(output) ? output : 0,
    // Never more than the prompt itself, whatever a compatible server claims.
    cacheReadTokens: Math.min(cachedTokens(usage), inputTokens),
    // OpenAI caches prompts implicitly and does not bill or report cache writes.
    cacheWriteTokens: 0,
  };
}

function cachedTokens(usage: Record<string, unknown>): number {
  const details = usage.prompt_tokens_details;
  if (isRecord(details) && isCount(details.cached_tokens)) return details.cached_tokens;
  // DeepSeek's OpenAI-compatible API reports cache hits under its own name.
  if (isCount(usage.prompt_cache_hit_tokens)) return usage.prompt_cache_hit_tokens;
  return 0;
}
