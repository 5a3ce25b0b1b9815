// The public shapes of the fake OpenAI upstream: what tests configure (options, faults, responder) and what
// they inspect afterwards (recorded requests). Kept apart from the server so callers can import types only.

import type { FakeUpstreamOptions } from '../fake-upstream/fake-upstream.types';

export type { Fault, RecordedRequest } from '../fake-upstream/fake-upstream.types';

export interface FakeOpenAIOptions extends FakeUpstreamOptions {
  /** Ids listed by `GET /v1/models`. */
  models?: string[];
}

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface ChatContentPart {
  type: string;
  text?: string;
  [field: string]: unknown;
}

export interface ChatToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: ChatRole;
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  [field: string]: unknown;
}

/** A chat completion request body that passed the fake's validation. */
export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null; [field: string]: unknown } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  tools?: unknown[];
  [field: string]: unknown;
}

/** What a responder wants the fake model to answer; everything left out is derived from the request. */
export interface ChatReply {
  text?: string;
  toolCalls?: { name: string; arguments: string }[];
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
  /** Defaults to `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: string;
}

/**
 * Answers both APIs: a Responses API request reaches it translated into the chat shape (instructions as a
 * system message, function calls and their outputs as tool calls and tool messages).
 */
export type ChatResponder = (request: ChatRequestBody) => ChatReply | Promise<ChatReply>;

/** A Responses API input item; only the fields the fake validates are named. */
export interface ResponseInputItem {
  type?: string;
  role?: string;
  content?: unknown;
  call_id?: string;
  name?: string;
  arguments?: string;
  output?: unknown;
  [field: string]: unknown;
}

/** A `POST /v1/responses` body that passed the fake's validation. */
export interface ResponsesRequestBody {
  model: string;
  input: string | ResponseInputItem[];
  instructions?: string | null;
  previous_response_id?: string | null;
  stream?: boolean | null;
  store?: boolean | null;
  max_output_tokens?: number | null;
  tools?: unknown[];
  [field: string]: unknown;
}
