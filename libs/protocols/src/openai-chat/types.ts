// Minimal typed views of the OpenAI Chat Completions fields the gateway itself reads. The request is relayed as
// the client's own object (same format in and out is a pass-through), so nothing here tries to model the whole
// API; an unknown or future field needs no change in this folder to reach the upstream.

/** What routing, limits and accounting need from a validated request. */
export interface ChatRequestView {
  /** The model id as the client sent it (bare or `provider/name`). */
  model: string;
  stream: boolean;
  /** The client asked for `stream_options.include_usage` (only meaningful when `stream`). */
  includeUsage: boolean;
  /** `max_completion_tokens`, else the legacy `max_tokens`, else null. */
  maxTokens: number | null;
  /**
   * Models to try after `model`, from the gateway extensions `models` then `fallbacks` (CONTRACT §1), in order,
   * without duplicates and without `model` itself.
   */
  fallbackModels: string[];
}

/** Roles the Chat Completions API accepts, in the order its own error message lists them. */
export const CHAT_ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** Request fields that are gateway extensions, removed before the body goes upstream. */
export const GATEWAY_EXTENSION_FIELDS = ['models', 'fallbacks', 'provider'] as const;
