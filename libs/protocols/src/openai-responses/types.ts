// Typed views of the OpenAI Responses API shapes this adapter writes (the upstream request, the `response`
// object, the stream events), field names as on the wire, and the view of a client request that routing,
// limits and accounting read. What the adapter reads arrives as `unknown` and is narrowed where it is read.

/** What routing, limits and accounting need from a validated Responses request. */
export interface ResponsesRequestView {
  /** The model id as the client sent it (bare or `provider/name`). */
  model: string;
  stream: boolean;
  /** `max_output_tokens`, else null. */
  maxOutputTokens: number | null;
  /** Models to try after `model` (gateway extensions `models` then `fallbacks`), as for Chat. */
  fallbackModels: string[];
}

export const RESPONSES_PATH = '/v1/responses';

// The request the gateway sends to a Responses upstream for a translated request.

export type ResponsesInputContent =
  { type: 'input_text'; text: string } | { type: 'input_image'; image_url: string; detail: 'auto' };

export type ResponsesInputItem =
  | { type: 'message'; role: 'system' | 'assistant'; content: string }
  | { type: 'message'; role: 'user'; content: ResponsesInputContent[] }
  | { type: 'function_call'; call_id: string; name: string; arguments: string }
  | { type: 'function_call_output'; call_id: string; output: string | ResponsesInputContent[] };

export interface ResponsesFunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict: false;
}

export type ResponsesToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

export type ResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown> };

export interface ResponsesUpstreamBody {
  model: string;
  input: ResponsesInputItem[];
  instructions?: string;
  /** Functions, and hosted tools as the client declared them. */
  tools?: (ResponsesFunctionTool | Record<string, unknown>)[];
  tool_choice?: ResponsesToolChoice;
  parallel_tool_calls?: boolean;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  reasoning?: { effort?: 'minimal' | 'low' | 'medium' | 'high'; summary: 'auto' };
  text?: { format: ResponsesTextFormat };
  user?: string;
  stream?: true;
  /** The gateway keeps no conversation state upstream either: nothing refers back to a stored response. */
  store: false;
}

// The `response` object and its output items, as a client sees them.

export interface ResponsesOutputText {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
}

export interface ResponsesRefusal {
  type: 'refusal';
  refusal: string;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface ResponsesMessageItem {
  id: string;
  type: 'message';
  status: ItemStatus;
  content: (ResponsesOutputText | ResponsesRefusal)[];
  role: 'assistant';
}

export interface ResponsesFunctionCallItem {
  id: string;
  type: 'function_call';
  status: ItemStatus;
  arguments: string;
  call_id: string;
  name: string;
  /** The function's namespace, for a function the client declared inside a `namespace` tool. */
  namespace?: string;
}

/** A call of a free-form `custom` tool: one string of input. */
export interface ResponsesCustomToolCallItem {
  id: string;
  type: 'custom_tool_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  input: string;
  namespace?: string;
}

export interface ResponsesSummaryText {
  type: 'summary_text';
  text: string;
}

export interface ResponsesReasoningItem {
  id: string;
  type: 'reasoning';
  summary: ResponsesSummaryText[];
  /** OpenAI's encrypted reasoning; for another provider's reasoning, its relayed signature (thought-signature.ts). */
  encrypted_content?: string;
}

export type ResponsesOutputItem =
  | ResponsesMessageItem
  | ResponsesFunctionCallItem
  | ResponsesCustomToolCallItem
  | ResponsesReasoningItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/**
 * The `response` object. Request echoes (`instructions`, `tools`, `temperature`, ...) are the defaults: a
 * translated answer is rendered from the hub answer alone, which does not carry the request.
 */
export interface ResponsesResponse {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: null;
  max_output_tokens: null;
  model: string;
  output: ResponsesOutputItem[];
  parallel_tool_calls: true;
  previous_response_id: null;
  reasoning: { effort: null; summary: null };
  store: false;
  temperature: null;
  text: { format: { type: 'text' } };
  tool_choice: 'auto';
  tools: [];
  top_p: null;
  truncation: 'disabled';
  /** Left out until known (the SDK types have no null here, though the API sends one). */
  usage?: ResponsesUsage;
  metadata: Record<string, never>;
}

// The stream events the encoder writes (each also gets `sequence_number`).

export type ResponsesStreamEvent =
  | { type: 'response.created' | 'response.in_progress'; response: ResponsesResponse }
  | { type: 'response.completed' | 'response.incomplete'; response: ResponsesResponse }
  | { type: 'response.output_item.added'; output_index: number; item: ResponsesOutputItem }
  | { type: 'response.output_item.done'; output_index: number; item: ResponsesOutputItem }
  | {
      type: 'response.content_part.added' | 'response.content_part.done';
      item_id: string;
      output_index: number;
      content_index: number;
      part: ResponsesOutputText;
    }
  | {
      type: 'response.output_text.delta';
      item_id: string;
      output_index: number;
      content_index: number;
      delta: string;
      logprobs: [];
    }
  | {
      type: 'response.output_text.done';
      item_id: string;
      output_index: number;
      content_index: number;
      text: string;
      logprobs: [];
    }
  | {
      type: 'response.function_call_arguments.delta';
      item_id: string;
      output_index: number;
      delta: string;
    }
  | {
      type: 'response.function_call_arguments.done';
      item_id: string;
      output_index: number;
      name: string;
      arguments: string;
    }
  | {
      type: 'response.custom_tool_call_input.delta';
      item_id: string;
      output_index: number;
      delta: string;
    }
  | {
      type: 'response.custom_tool_call_input.done';
      item_id: string;
      output_index: number;
      input: string;
    }
  | {
      type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done';
      item_id: string;
      output_index: number;
      summary_index: 0;
      part: ResponsesSummaryText;
    }
  | {
      type: 'response.reasoning_summary_text.delta';
      item_id: string;
      output_index: number;
      summary_index: 0;
      delta: string;
    }
  | {
      type: 'response.reasoning_summary_text.done';
      item_id: string;
      output_index: number;
      summary_index: 0;
      text: string;
    };
