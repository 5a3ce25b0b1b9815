// Typed views of OpenAI Chat Completions. First the few request fields the gateway itself reads: the request is
// relayed as the client's own object (same format in and out is a pass-through), so nothing here tries to model
// the whole API; an unknown or future field needs no change in this folder to reach the upstream.

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

// The translation side: the shapes the hub translation writes (requests to an OpenAI-format upstream, responses
// and chunks to a client), field names as on the wire. What it reads arrives as `unknown` and is narrowed where
// it is read (`to-hub.ts`, `stream.ts`).
export type ChatContentPart =
  { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type ChatToolChoice =
  'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type ChatResponseFormat =
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown> } };

/** The body the gateway sends to an OpenAI-format upstream for a translated request. */
export interface ChatUpstreamBody {
  model: string;
  messages: ChatMessage[];
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high';
  response_format?: ChatResponseFormat;
  user?: string;
  stream?: true;
  stream_options?: { include_usage: true };
}

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

/** A `chat.completion` as the gateway renders it for a client. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: {
        role: 'assistant';
        content: string | null;
        refusal: string | null;
        /** DeepSeek/vLLM-style reasoning text; not in OpenAI's schema, ignored by clients that do not know it. */
        reasoning_content?: string;
        tool_calls?: ChatToolCall[];
        annotations: [];
      };
      logprobs: null;
      finish_reason: ChatFinishReason;
    },
  ];
  usage: ChatUsage;
}

export interface ChatDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  tool_calls?: (
    | { index: number; id: string; type: 'function'; function: { name: string; arguments: string } }
    | { index: number; function: { arguments: string } }
  )[];
}

/** A `chat.completion.chunk` as the gateway streams it. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices:
    [{ index: 0; delta: ChatDelta; logprobs: null; finish_reason: ChatFinishReason | null }] | [];
  usage?: ChatUsage;
}
