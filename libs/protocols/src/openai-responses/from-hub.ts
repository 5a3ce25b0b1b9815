// The hub to OpenAI Responses: the request for a Responses upstream, and the `response` object a client gets
// for an answer that came from another format (also the skeleton the stream encoder's events carry).
//
// Lost on the way to the upstream (the hub has them, the Responses request has no field):
// - thinking / redacted_thinking parts of earlier assistant turns: Responses only takes reasoning back as its
//   own items (an `rs_` id, or OpenAI's encrypted content), which other providers' reasoning is not; dropped.
// - `stop` sequences and `topK`: Responses has neither.
// - `isError` of a tool result: no field; the output text is prefixed with "Error: ".
// - images in assistant turns: Responses assistant messages carry text only.
// `max_output_tokens` below the API's floor of 16 is raised to 16 (Claude Code probes with `max_tokens: 1`).
import { withExtraFields } from '../hub/request-overrides';
import type { ClientContext } from '../hub/protocol-adapter';
import type {
  HubMessage,
  HubPart,
  HubRequest,
  HubResponse,
  HubResultPart,
  HubSignature,
  HubStopReason,
} from '../hub/hub.types';
import { hostedToolsFor } from '../hub/hosted-tools';
import { clientSignature } from '../hub/thought-signature';
import type { TokenUsage } from '../usage';
import { effortFor, imageUrl } from '../openai-base/from-hub';
import { clientId, createdAtOf, reasoningTokensOf } from '../openai-base/context';
import { MIN_OUTPUT_TOKENS } from './parse';
import { type ClientToolCall, clientToolCall } from './tools';
import {
  RESPONSES_PATH,
  type ResponseStatus,
  type ResponsesInputContent,
  type ResponsesInputItem,
  type ResponsesOutputItem,
  type ResponsesReasoningItem,
  type ResponsesFunctionCallItem,
  type ResponsesCustomToolCallItem,
  type ItemStatus,
  type ResponsesResponse,
  type ResponsesUpstreamBody,
  type ResponsesUsage,
} from './types';

export function buildResponsesRequest(
  request: HubRequest,
  upstreamModel: string,
): { path: string; body: string; headers: Record<string, string> } {
  const body: ResponsesUpstreamBody = {
    model: upstreamModel,
    input: request.messages.flatMap(inputItems),
    store: false,
  };
  if (request.system !== null) body.instructions = request.system;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === null ? {} : { description: tool.description }),
      parameters: tool.parameters,
      // Strict mode would reject the ordinary JSON schemas other formats' clients send (optional fields).
      strict: false,
    }));
    const choice = request.toolChoice;
    if (choice !== null) {
      body.tool_choice =
        typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
    }
    if (request.parallelToolCalls !== null) body.parallel_tool_calls = request.parallelToolCalls;
  }
  // A Responses upstream runs OpenAI's hosted tools itself: each goes as the client declared it.
  const hosted = hostedToolsFor(request, 'openai-responses', upstreamModel).kept;
  if (hosted.length > 0) {
    body.tools = [...(body.tools ?? []), ...hosted.map((tool) => tool.config)];
  }
  if (request.maxTokens !== null) {
    body.max_output_tokens = Math.max(request.maxTokens, MIN_OUTPUT_TOKENS);
  }
  if (request.temperature !== null) body.temperature = request.temperature;
  if (request.topP !== null) body.top_p = request.topP;
  if (request.reasoning !== null) {
    // Summaries are what Responses returns of its reasoning as text; without `summary` no thinking comes back.
    const effort = effortFor(request.reasoning);
    body.reasoning = effort === null ? { summary: 'auto' } : { effort, summary: 'auto' };
  }
  if (request.responseFormat !== null) {
    const format = request.responseFormat;
    body.text = {
      format:
        format.type === 'json_object'
          ? { type: 'json_object' }
          : { type: 'json_schema', name: format.name, schema: format.schema },
    };
  }
  if (request.user !== null) body.user = request.user;
  if (request.stream) body.stream = true;
  return {
    path: RESPONSES_PATH,
    body: JSON.stringify(withExtraFields(body, request)),
    headers: { 'content-type': 'application/json' },
  };
}

function inputItems(message: HubMessage): ResponsesInputItem[] {
  switch (message.role) {
    case 'system':
      return [{ type: 'message', role: 'system', content: textOf(message.content) }];
    case 'user': {
      // Tool results first, as answers to the calls of the turn before; then what the user added.
      const items: ResponsesInputItem[] = [];
      const rest: HubResultPart[] = [];
      for (const part of message.content) {
        if (part.type === 'tool_result') {
          items.push({
            type: 'function_call_output',
            call_id: part.toolCallId,
            output: callOutput(part.content, part.isError),
          });
        } else if (part.type === 'text' || part.type === 'image') {
          rest.push(part);
        }
      }
      if (rest.length > 0 || items.length === 0) {
        items.push({ type: 'message', role: 'user', content: rest.map(inputContent) });
      }
      return items;
    }
    case 'assistant': {
      // In order: runs of text as one assistant message, each tool call as its own item.
      const items: ResponsesInputItem[] = [];
      let text = '';
      const flush = (): void => {
        if (text !== '') items.push({ type: 'message', role: 'assistant', content: text });
        text = '';
      };
      for (const part of message.content) {
        if (part.type === 'text') text += part.text;
        else if (part.type === 'tool_call') {
          flush();
          items.push({
            type: 'function_call',
            call_id: part.id,
            name: part.name,
            arguments: part.arguments,
          });
        }
      }
      flush();
      return items;
    }
  }
}

function inputContent(part: HubResultPart): ResponsesInputContent {
  return part.type === 'text'
    ? { type: 'input_text', text: part.text }
    : { type: 'input_image', image_url: imageUrl(part), detail: 'auto' };
}

/** A plain string for text-only results (every Responses server reads it); parts when images are in it. */
function callOutput(parts: HubResultPart[], isError: boolean): string | ResponsesInputContent[] {
  const prefix = isError ? 'Error: ' : '';
  if (parts.every((p) => p.type === 'text')) {
    return prefix + parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  }
  const content = parts.map(inputContent);
  return isError ? [{ type: 'input_text', text: 'Error:' }, ...content] : content;
}

function textOf(parts: HubPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** Ids of one answer's output items: the response id's stem, a kind prefix and the output index. */
export function outputItemId(kind: 'msg' | 'fc' | 'rs', responseId: string, index: number): string {
  return `${kind}_${responseId.replace(/^resp_/, '')}_${index}`;
}

/** `status` and `incomplete_details` for a hub stop reason (README table). */
export function responseStatus(stopReason: HubStopReason): {
  status: ResponseStatus;
  incomplete_details: ResponsesResponse['incomplete_details'];
} {
  switch (stopReason) {
    case 'max_tokens':
      return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
    case 'content_filter':
      return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
    case 'end_turn':
    case 'stop_sequence':
    case 'tool_use':
    case 'refusal':
      return { status: 'completed', incomplete_details: null };
  }
}

export function responsesUsage(usage: Partial<TokenUsage>): ResponsesUsage {
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: usage.cacheReadTokens ?? 0,
      cache_write_tokens: usage.cacheWriteTokens ?? 0,
    },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoningTokensOf(usage) ?? 0 },
    total_tokens: input + output,
  };
}

/** A `response` object with the request echoes at their defaults (the hub answer does not carry the request). */
export function responseObject(fields: {
  id: string;
  createdAt: number;
  model: string;
  status: ResponseStatus;
  incompleteDetails: ResponsesResponse['incomplete_details'];
  output: ResponsesOutputItem[];
  usage: ResponsesUsage | null;
}): ResponsesResponse {
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: fields.status,
    background: false,
    error: null,
    incomplete_details: fields.incompleteDetails,
    instructions: null,
    max_output_tokens: null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    truncation: 'disabled',
    ...(fields.usage === null ? {} : { usage: fields.usage }),
    metadata: {},
  };
}

/**
 * The `response` a client gets for a hub answer: thinking as reasoning items (summary text), each run of text
 * as one assistant message (a refusal as a `refusal` part), each tool call as a function_call item.
 */
export function renderResponse(response: HubResponse, ctx: ClientContext): ResponsesResponse {
  const id = clientId('resp_', response.id, ctx.requestId);
  const refused = response.stopReason === 'refusal';
  const output: ResponsesOutputItem[] = [];
  for (const part of response.content) {
    const last = output.at(-1);
    switch (part.type) {
      case 'text':
        if (last?.type === 'message') {
          last.content.push(textContent(part.text, refused));
        } else {
          output.push({
            id: outputItemId('msg', id, output.length),
            type: 'message',
            status: 'completed',
            content: [textContent(part.text, refused)],
            role: 'assistant',
          });
        }
        break;
      case 'thinking':
        output.push(
          reasoningItem(outputItemId('rs', id, output.length), part.text, part.signature),
        );
        break;
      case 'tool_call':
        output.push(
          callItem(
            outputItemId('fc', id, output.length),
            part.id,
            clientToolCall(part.name, part.arguments, ctx.clientTools),
            'completed',
          ),
        );
        break;
      case 'redacted_thinking':
      case 'image':
      case 'tool_result':
        break;
    }
  }
  const { status, incomplete_details } = responseStatus(response.stopReason);
  return responseObject({
    id,
    createdAt: createdAtOf(ctx),
    model: ctx.model,
    status,
    incompleteDetails: incomplete_details,
    output,
    usage: responsesUsage(response.usage),
  });
}

/**
 * A reasoning item: the text as its summary, a signature as `encrypted_content` (relayed with the text it signs
 * when another provider issued it), which clients that keep no state (Codex, `store: false`) send back.
 */
export function reasoningItem(
  id: string,
  text: string,
  signature: HubSignature | null,
): ResponsesReasoningItem {
  return {
    id,
    type: 'reasoning',
    summary: text === '' ? [] : [{ type: 'summary_text', text }],
    ...(signature === null
      ? {}
      : { encrypted_content: clientSignature(signature, 'openai', text) }),
  };
}

/** A tool call as the output item of the client's kind (function, possibly namespaced, or custom). */
export function callItem(
  id: string,
  callId: string,
  call: ClientToolCall,
  status: ItemStatus,
): ResponsesFunctionCallItem | ResponsesCustomToolCallItem {
  const namespace = call.namespace === null ? {} : { namespace: call.namespace };
  return call.type === 'function_call'
    ? {
        id,
        type: 'function_call',
        status,
        arguments: call.arguments,
        call_id: callId,
        name: call.name,
        ...namespace,
      }
    : {
        id,
        type: 'custom_tool_call',
        status,
        call_id: callId,
        name: call.name,
        input: call.input,
        ...namespace,
      };
}

function textContent(text: string, refused: boolean): ResponsesMessageContent {
  return refused
    ? { type: 'refusal', refusal: text }
    : { type: 'output_text', text, annotations: [], logprobs: [] };
}

type ResponsesMessageContent = Extract<ResponsesOutputItem, { type: 'message' }>['content'][number];
