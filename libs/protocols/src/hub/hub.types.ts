// The hub: one format-neutral representation of a chat request, its answer and its stream, so that N wire
// formats need N adapters, not N² converters (ARCHITECTURE rule 3). Each adapter converts its format to and
// from these types; the hub never imports an adapter. Only cross-format traffic goes through here: same format
// on both sides is a byte-level pass-through.
//
// What the hub keeps is the intersection the formats can express (text, system prompts, images, tools, tool
// calls and results, stop sequences, sampling, max tokens, reasoning, usage, stop reasons) plus `extras`, a
// bag a target adapter of the *same family* may read; fields no other format has are dropped in translation
// (each adapter documents which).
import type { TokenUsage } from '../usage';

export type HubImageSource =
  { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };

export type HubPart =
  | { type: 'text'; text: string }
  | { type: 'image'; source: HubImageSource }
  /** A model's call of a tool. `arguments` is the JSON text of the arguments object. */
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  /** The caller's answer to a tool call, paired by id. `name` where the format carries it (Gemini needs it). */
  | {
      type: 'tool_result';
      toolCallId: string;
      name: string | null;
      content: HubResultPart[];
      isError: boolean;
    }
  /**
   * Reasoning text; `signature` where a provider signed it (Anthropic's block signature, Gemini's thought
   * signature, OpenAI's encrypted reasoning), so it can be sent back unchanged to that provider and no other.
   */
  | { type: 'thinking'; text: string; signature: HubSignature | null }
  /** Reasoning the provider returned encrypted (Anthropic `redacted_thinking`): opaque, only round-trippable. */
  | { type: 'redacted_thinking'; data: string };

/** The providers that sign reasoning; each verifies only signatures it issued (hub/thought-signature.ts). */
export type SignatureIssuer = 'anthropic' | 'gemini' | 'openai';

/** An opaque reasoning signature and the provider that issued it. */
export interface HubSignature {
  issuer: SignatureIssuer;
  value: string;
}

export type HubResultPart = Extract<HubPart, { type: 'text' } | { type: 'image' }>;

export interface HubMessage {
  /**
   * `system` only for a system message in the middle of a conversation (Claude Code sends one for model names
   * it does not know); leading system prompts go to `HubRequest.system`. Tool results travel as `tool_result`
   * parts of a `user` message, the way Anthropic and Gemini carry them; OpenAI's `tool` role maps to that.
   */
  role: 'user' | 'assistant' | 'system';
  content: HubPart[];
}

export interface HubTool {
  /** The name providers see (a flattened one for a tool the client names otherwise: see `origin`). */
  name: string;
  description: string | null;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  /**
   * How the client names and calls this tool when that differs from a plain function (OpenAI Responses): a
   * function inside a `namespace` group (Codex's), or a free-form `custom` tool taking one string (given to
   * providers as a function with one `input` argument). Its calls go back to the client in that form.
   */
  origin?: HubToolOrigin;
}

export interface HubToolOrigin {
  namespace: string | null;
  name: string;
  freeform: boolean;
}

/**
 * A tool the provider runs itself (OpenAI's `web_search`, `file_search`, `code_interpreter`, ...), as the
 * client declared it. hub/hosted-tools.ts decides per upstream which it can run (in its own form) and which
 * are dropped.
 */
export interface HubHostedTool {
  /** The client's own type name, e.g. `web_search_preview`. */
  type: string;
  kind: HostedToolKind;
  /** The declaration as the client sent it, for an upstream of the same format. */
  config: Record<string, unknown>;
}

/** What the hub knows how to translate: web search; every other hosted tool is only passed on or dropped. */
export type HostedToolKind = 'web_search' | 'other';

export type HubToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface HubReasoning {
  /** OpenAI-style effort; adapters that take a token budget derive one from it and vice versa. */
  effort: 'minimal' | 'low' | 'medium' | 'high' | null;
  budgetTokens: number | null;
}

export interface HubRequest {
  /** The public model the client asked for (the adapter building the upstream request gets the mapped one). */
  model: string;
  system: string | null;
  messages: HubMessage[];
  tools: HubTool[];
  toolChoice: HubToolChoice | null;
  maxTokens: number | null;
  temperature: number | null;
  topP: number | null;
  topK: number | null;
  stop: string[];
  stream: boolean;
  reasoning: HubReasoning | null;
  /** Structured output: a JSON schema or plain JSON mode. */
  responseFormat:
    | { type: 'json_object' }
    | { type: 'json_schema'; name: string; schema: Record<string, unknown> }
    | null;
  parallelToolCalls: boolean | null;
  /** An end-user id where the format carries one (OpenAI `user`, Anthropic `metadata.user_id`). */
  user: string | null;
  /** Provider-run tools the client declared (absent: none). */
  hostedTools?: HubHostedTool[];
  /** Top-level fields for the upstream body as they are, from a model variant's overrides (request-overrides.ts). */
  extraFields?: Record<string, unknown>;
}

export type HubStopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'content_filter' | 'refusal';

export interface HubResponse {
  id: string;
  model: string;
  /** text, thinking, redacted_thinking and tool_call parts, in the order the model produced them. */
  content: HubPart[];
  stopReason: HubStopReason;
  stopSequence: string | null;
  usage: TokenUsage;
}

/**
 * A stream as a sequence of events. Content is organised in blocks with an index (Anthropic's model, which
 * the others map onto): a block starts, gets deltas, and stops. Exactly one `start` first and one `finish`
 * last (unless `error`); `usage` may come any number of times, each carrying the totals known so far.
 */
export type HubStreamEvent =
  | { type: 'start'; id: string; model: string }
  | { type: 'block_start'; index: number; block: HubBlockStart }
  | { type: 'text_delta'; index: number; text: string }
  | { type: 'thinking_delta'; index: number; text: string }
  | { type: 'signature_delta'; index: number; signature: HubSignature }
  | { type: 'tool_arguments_delta'; index: number; json: string }
  | { type: 'block_stop'; index: number }
  | { type: 'usage'; usage: Partial<TokenUsage> }
  | { type: 'finish'; stopReason: HubStopReason; stopSequence: string | null }
  /**
   * The upstream ended the stream with an error. `status` is the HTTP status its error type stands for
   * (Anthropic `overloaded_error` 529, a rate limit 429, ...), so the client's format can name the same kind.
   */
  | { type: 'error'; message: string; status?: number };

export type HubBlockStart =
  | { type: 'text' }
  | { type: 'thinking' }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_call'; id: string; name: string };
