// Reads Gemini's `usageMetadata` into the gateway's `TokenUsage` (../usage.ts): `promptTokenCount` already counts
// the cached part (`cachedContentTokenCount`), and output is the answer plus the thoughts, both billed as output.
import { isCount, isRecord } from '../json';
import type { TokenUsage } from '../usage';

/** Usage of an answer that reported none (copy it before changing it). */
export const NO_USAGE: Readonly<TokenUsage> = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
};

/** Usage from a `usageMetadata` object; null when it has no token count at all. */
export function usageFromGeminiUsage(usage: unknown): TokenUsage | null {
  if (!isRecord(usage)) return null;
  const { promptTokenCount, candidatesTokenCount, thoughtsTokenCount } = usage;
  if (
    !isCount(promptTokenCount) &&
    !isCount(candidatesTokenCount) &&
    !isCount(thoughtsTokenCount)
  ) {
    return null;
  }
  // Results of built-in tools (search grounding) are prompt tokens billed as input, counted apart by Gemini.
  const inputTokens = count(promptTokenCount) + count(usage.toolUsePromptTokenCount);
  return {
    inputTokens,
    outputTokens: count(candidatesTokenCount) + count(thoughtsTokenCount),
    cacheReadTokens: Math.min(count(usage.cachedContentTokenCount), inputTokens),
    // Gemini's context caches are created by a separate call (cachedContents.create), never by a request.
    cacheWriteTokens: 0,
  };
}

/** Usage of a `generateContent` response, or of one stream chunk; null when it carries none. */
export function usageFromGeminiResponse(json: unknown): TokenUsage | null {
  return isRecord(json) ? usageFromGeminiUsage(json.usageMetadata) : null;
}

function count(value: unknown): number {
  return isCount(value) ? value : 0;
}
