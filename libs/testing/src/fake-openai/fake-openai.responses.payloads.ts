// Builds what the Responses API sends: the `response` object and the named, sequence-numbered stream events
// (response.created ... response.completed) from the same resolved reply the chat endpoint renders.
// Pure functions: ids and timestamps are passed in.
import {
  frame,
  sse,
  type FrameRole,
  type StreamFrame,
} from '../fake-upstream/fake-upstream.stream';
import { fragments, splitWords } from '../fake-upstream/fake-upstream.text';
import type { ResolvedReply } from './fake-openai.payloads';
import type { ResponsesRequestBody } from './fake-openai.types';

export interface ResponsesIdentity {
  id: string;
  createdAt: number;
  model: string;
}

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface MessageItem {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed';
  role: 'assistant';
  content: OutputText[];
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed';
}

export type OutputItem = MessageItem | FunctionCallItem;

/** The output items of a reply: a message when there is text, then one function_call per tool call. */
export function outputItems(reply: ResolvedReply, newItemId: (prefix: string) => string) {
  const items: OutputItem[] = [];
  if (reply.text !== null) {
    items.push({
      type: 'message',
      id: newItemId('msg'),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [], logprobs: [] }],
    });
  }
  for (const call of reply.toolCalls) {
    items.push({
      type: 'function_call',
      id: newItemId('fc'),
      call_id: call.id,
      name: call.name,
      arguments: call.arguments,
      status: 'completed',
    });
  }
  return items;
}

/** The chat finish reason `length` is an incomplete response; anything else completed. */
function finalStatus(reply: ResolvedReply): 'completed' | 'incomplete' {
  return reply.finishReason === 'length' ? 'incomplete' : 'completed';
}

function usageOf(reply: ResolvedReply) {
  return {
    input_tokens: reply.promptTokens,
    input_tokens_details: { cached_tokens: reply.cachedTokens },
    output_tokens: reply.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: reply.promptTokens + reply.completionTokens,
  };
}

/** The response object; while in progress it has no output and no usage yet, as in the stream's first events. */
export function responseObject(
  identity: ResponsesIdentity,
  request: ResponsesRequestBody,
  reply: ResolvedReply,
  items: OutputItem[],
  inProgress = false,
) {
  const status = inProgress ? 'in_progress' : finalStatus(reply);
  return {
    id: identity.id,
    object: 'response',
    created_at: identity.createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: null,
    model: identity.model,
    output: inProgress ? [] : items,
    parallel_tool_calls: true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: request.store ?? true,
    temperature: 1.0,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: request.tools ?? [],
    top_p: 1.0,
    truncation: 'disabled',
    usage: inProgress ? null : usageOf(reply),
    user: null,
    metadata: {},
  };
}

interface ResponseEvent {
  type: string;
  fields: Record<string, unknown>;
  /** Deltas are content: what a `reset-mid-stream` fault counts. */
  role: FrameRole;
}

/** The events of one output item: added, its deltas, done. */
function itemEvents(item: OutputItem, outputIndex: number): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  const event = (type: string, fields: Record<string, unknown>, role: FrameRole = 'control') => {
    events.push({ type, fields, role });
  };
  const at = { item_id: item.id, output_index: outputIndex };
  if (item.type === 'message') {
    const text = item.content[0]?.text ?? '';
    const emptyPart = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    event('response.output_item.added', {
      output_index: outputIndex,
      item: { ...item, status: 'in_progress', content: [] },
    });
    event('response.content_part.added', { ...at, content_index: 0, part: emptyPart });
    for (const word of splitWords(text)) {
      const delta = { ...at, content_index: 0, delta: word, logprobs: [] };
      event('response.output_text.delta', delta, 'content');
    }
    event('response.output_text.done', { ...at, content_index: 0, text, logprobs: [] });
    event('response.content_part.done', { ...at, content_index: 0, part: { ...emptyPart, text } });
  } else {
    event('response.output_item.added', {
      output_index: outputIndex,
      item: { ...item, arguments: '', status: 'in_progress' },
    });
    for (const piece of fragments(item.arguments)) {
      event('response.function_call_arguments.delta', { ...at, delta: piece }, 'content');
    }
    event('response.function_call_arguments.done', {
      ...at,
      name: item.name,
      arguments: item.arguments,
    });
  }
  event('response.output_item.done', { output_index: outputIndex, item });
  return events;
}

/** Every stream event, named on its `event:` line and numbered by `sequence_number` from 0. */
export function responseStreamFrames(
  identity: ResponsesIdentity,
  request: ResponsesRequestBody,
  reply: ResolvedReply,
  items: OutputItem[],
): StreamFrame[] {
  const pending = responseObject(identity, request, reply, items, true);
  const final = responseObject(identity, request, reply, items);
  const events: ResponseEvent[] = [
    { type: 'response.created', fields: { response: pending }, role: 'control' },
    { type: 'response.in_progress', fields: { response: pending }, role: 'control' },
    ...items.flatMap((item, index) => itemEvents(item, index)),
    { type: `response.${final.status}`, fields: { response: final }, role: 'closing' },
  ];
  return events.map(({ type, fields, role }, sequence) => {
    const data = JSON.stringify({ type, ...fields, sequence_number: sequence });
    return frame(role, sse(data, { event: type }));
  });
}
