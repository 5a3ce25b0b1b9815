// The public shapes of the fake OpenAI upstream: what tests configure (options, faults, responder) and what
// they inspect afterwards (recorded requests). Kept apart from the server so callers can import types only.

export interface FakeOpenAIOptions {
  /** Port to listen on, on 127.0.0.1 only. 0 (the default) picks a free port. */
  port?: number;
  /** Accepted bearer keys. Without it any key starting with `sk-` is accepted. */
  keys?: string[];
  /** Ids listed by `GET /v1/models`. */
  models?: string[];
}

/** One HTTP request as the fake received it, recorded before any fault is applied. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  query: Record<string, string>;
  /** Header names are lower-case; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when the body was empty or not valid JSON. */
  body: unknown;
  rawBody: string;
  /** Epoch milliseconds at which the body had been fully read. */
  at: number;
}

/** Limits a fault to requests whose path starts with this prefix; without it the fault matches any path. */
interface FaultScope {
  path?: string;
}

export type Fault =
  | (FaultScope & {
      kind: 'status';
      status: number;
      /** Sent as JSON. Defaults to the OpenAI error envelope the real API sends with this status. */
      body?: unknown;
      headers?: Record<string, string>;
    })
  /** Waits before sending the status line (slow first byte), then answers normally. */
  | (FaultScope & { kind: 'delay'; ms: number })
  /** Reads the request and never answers, until the client gives up or the fake is closed. */
  | (FaultScope & { kind: 'hang' })
  /** Resets the TCP connection (RST) before any response byte. */
  | (FaultScope & { kind: 'reset' })
  /**
   * Only matches `stream: true` chat requests (it waits in the queue for one). Sends the headers, the opening
   * role chunk and `afterChunks` content chunks (text pieces or tool-call pieces), then drops the connection
   * before the finish chunk and `[DONE]`.
   */
  | (FaultScope & { kind: 'reset-mid-stream'; afterChunks: number });

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

export type ChatResponder = (request: ChatRequestBody) => ChatReply | Promise<ChatReply>;
