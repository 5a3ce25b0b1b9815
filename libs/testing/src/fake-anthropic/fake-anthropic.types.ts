// The public shapes of the fake Anthropic upstream: what tests configure (options, responder) and the request
// a responder is handed. Recording and faults are FakeUpstream's (`RecordedRequest`, `Fault`).
import type { FakeUpstreamOptions } from '../fake-upstream/fake-upstream.types';

export interface FakeAnthropicOptions extends FakeUpstreamOptions {
  /** Ids listed by `GET /v1/models`. */
  models?: string[];
}

export type AnthropicRole = 'user' | 'assistant';

/** A content block of a request message; only `type` is common to all, the rest depends on it. */
export interface AnthropicContentBlock {
  type: string;
  text?: string;
  [field: string]: unknown;
}

export interface AnthropicMessage {
  role: AnthropicRole;
  content: string | AnthropicContentBlock[];
}

/** A `POST /v1/messages/count_tokens` body that passed the fake's validation: the prompt without limits. */
export interface AnthropicCountTokensBody {
  model: string;
  messages: AnthropicMessage[];
  system?: string | AnthropicContentBlock[];
  tools?: { name: string; [field: string]: unknown }[];
  [field: string]: unknown;
}

/** A `POST /v1/messages` body that passed the fake's validation. */
export interface AnthropicRequestBody extends AnthropicCountTokensBody {
  max_tokens: number;
  stream?: boolean;
}

/** What a responder wants the fake model to answer; everything left out is derived from the request. */
export interface AnthropicReply {
  text?: string;
  /**
   * A thinking block before the text. The signature defaults to the fake's own for this text; one given here
   * is remembered as issued too, so either is accepted when the block comes back (and nothing else is).
   */
  thinking?: { text: string; signature?: string };
  toolCalls?: { name: string; input: Record<string, unknown> }[];
  /** Uncached input tokens; defaults to an estimate from the request, the same `count_tokens` returns. */
  inputTokens?: number;
  outputTokens?: number;
  /** `cache_read_input_tokens`. */
  cacheReadTokens?: number;
  /** `cache_creation_input_tokens` (reported as 5-minute cache writes). */
  cacheWriteTokens?: number;
  /**
   * Defaults to `tool_use` when there are tool calls, `max_tokens` when the text had more words than
   * `max_tokens` (it is then cut to `max_tokens` words and the tool calls dropped), else `end_turn`.
   */
  stopReason?: string;
}

export type AnthropicResponder = (
  request: AnthropicRequestBody,
) => AnthropicReply | Promise<AnthropicReply>;
