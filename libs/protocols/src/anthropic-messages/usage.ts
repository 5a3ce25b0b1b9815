// Anthropic usage to and from the gateway's `TokenUsage`. Anthropic counts the prompt in three disjoint parts
// (`input_tokens` uncached, `cache_read_input_tokens`, `cache_creation_input_tokens`); the gateway's
// `inputTokens` is their sum (see ../usage.ts), so reading adds them and writing subtracts them again.
//
// In a stream the counts arrive in two places: `message_start` (the prompt, output so far) and `message_delta`
// (the final output count; the current API repeats the prompt counts there, older versions and some proxies
// send only `output_tokens`, and a count may be null). `AnthropicUsageCounter` keeps the latest known value of
// each part, so whichever shape arrives, the totals are right.
import { isCount, isRecord } from '../json';
import type { TokenUsage } from '../usage';
import type { AnthropicUsage } from './types';

/** Usage of a non-stream `message` body; null when it carries none. */
export function usageFromMessage(json: unknown): TokenUsage | null {
  return isRecord(json) ? usageFromAnthropicUsage(json.usage) : null;
}

/** Usage from an Anthropic `usage` object; null when neither input nor output is counted. */
export function usageFromAnthropicUsage(usage: unknown): TokenUsage | null {
  const counter = new AnthropicUsageCounter();
  return counter.add(usage) ? counter.usage : null;
}

/** The cumulative usage of one stream, from each `usage` object it reports. */
export class AnthropicUsageCounter {
  private input = 0;
  private cacheRead = 0;
  private cacheWrite = 0;
  private output = 0;
  private seen = false;

  /** Takes the counts present in `usage` (absent or null ones keep their last value); true if any was. */
  add(usage: unknown): boolean {
    if (!isRecord(usage)) return false;
    const {
      input_tokens: input,
      output_tokens: output,
      cache_read_input_tokens: cacheRead,
      cache_creation_input_tokens: cacheWrite,
    } = usage;
    if (!isCount(input) && !isCount(output)) return false;
    if (isCount(input)) this.input = input;
    if (isCount(output)) this.output = output;
    if (isCount(cacheRead)) this.cacheRead = cacheRead;
    if (isCount(cacheWrite)) this.cacheWrite = cacheWrite;
    this.seen = true;
    return true;
  }

  /** The totals so far, null before the first usage object. */
  get usage(): TokenUsage | null {
    if (!this.seen) return null;
    return {
      inputTokens: this.input + this.cacheRead + this.cacheWrite,
      outputTokens: this.output,
      cacheReadTokens: this.cacheRead,
      cacheWriteTokens: this.cacheWrite,
    };
  }
}

/** The usage object a client gets, in the API's key order; unknown counts are 0. */
export function anthropicUsage(usage: Partial<TokenUsage>): AnthropicUsage {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  return {
    // Never negative, whatever an upstream claims about its cache parts.
    input_tokens: Math.max(0, (usage.inputTokens ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage.outputTokens ?? 0,
  };
}
