// Responses streams to and from the hub's event stream (cross-format only; a same-format stream is relayed
// byte for byte by passthrough.ts).
//
// The Responses stream is a sequence of named SSE events, each JSON with its `type` and a `sequence_number`
// counting from 0. An answer is a list of output items; each item is announced (`output_item.added`), filled
// by deltas and closed (`output_item.done`) with its final state, and the stream ends with the whole
// `response` (`response.completed`, or `response.incomplete` when cut by max_output_tokens or a filter).
// Hub blocks map one to one onto items: text → a `message` item with one `output_text` part, thinking → a
// `reasoning` item with one summary part, tool call → a `function_call` item.
import type { HubSignature, HubStopReason, HubStreamEvent, HubTool } from '../hub/hub.types';
import { clientToolCall } from './tools';
import type { StreamDecoder, StreamEncoder } from '../hub/protocol-adapter';
import { isRecord } from '../json';
import { clientId } from '../openai-base/context';
import type { TokenUsage } from '../usage';
import { openAIErrorStatus } from '../openai-base/errors';
import { responsesStreamErrorEvent } from './errors';
import {
  callItem,
  outputItemId,
  reasoningItem,
  responseObject,
  responseStatus,
  responsesUsage,
} from './from-hub';
import { responsesStopReason } from './to-hub';
import type {
  ResponseStatus,
  ResponsesOutputItem,
  ResponsesOutputText,
  ResponsesResponse,
  ResponsesStreamEvent,
  ResponsesUsage,
} from './types';
import { usageFromResponsesUsage } from './usage';

export interface ResponsesStreamEncoderOptions {
  /** For the `resp_` id when the upstream's `start` carries no id. */
  requestId: string;
  /** The model the client named, echoed in the response object. */
  model: string;
  /** `created_at` of the response, Unix seconds. */
  createdAt: number;
  /** The client's tools, so calls of namespaced and custom tools go back in the client's form. */
  clientTools?: readonly HubTool[];
}

type OpenItem =
  | { kind: 'message'; outputIndex: number; id: string; text: string }
  | {
      kind: 'reasoning';
      outputIndex: number;
      id: string;
      text: string;
      signature: HubSignature | null;
    }
  | {
      kind: 'function_call';
      outputIndex: number;
      id: string;
      callId: string;
      name: string;
      args: string;
    };

/** Hub events to the Responses event sequence, each event's bytes at once. */
export class ResponsesStreamEncoder implements StreamEncoder {
  private id: string;
  private sequence = 0;
  /** Every item so far, by output index, in its latest state (what `response.completed` carries). */
  private readonly output: ResponsesOutputItem[] = [];
  /** Hub block index to its open item. */
  private readonly open = new Map<number, OpenItem>();
  private usage: Partial<TokenUsage> = {};
  private closed = false;

  constructor(private readonly opts: ResponsesStreamEncoderOptions) {
    this.id = clientId('resp_', '', opts.requestId);
  }

  encode(event: HubStreamEvent): string {
    if (this.closed) return '';
    switch (event.type) {
      case 'start': {
        this.id = clientId('resp_', event.id, this.opts.requestId);
        const response = this.response('in_progress', null);
        return (
          this.emit({ type: 'response.created', response }) +
          this.emit({ type: 'response.in_progress', response })
        );
      }
      case 'block_start':
        return this.startItem(event.index, event.block);
      case 'text_delta': {
        const item = this.open.get(event.index);
        if (item?.kind !== 'message' || event.text === '') return '';
        item.text += event.text;
        return this.emit({
          type: 'response.output_text.delta',
          item_id: item.id,
          output_index: item.outputIndex,
          content_index: 0,
          delta: event.text,
          logprobs: [],
        });
      }
      case 'thinking_delta': {
        const item = this.open.get(event.index);
        if (item?.kind !== 'reasoning' || event.text === '') return '';
        item.text += event.text;
        return this.emit({
          type: 'response.reasoning_summary_text.delta',
          item_id: item.id,
          output_index: item.outputIndex,
          summary_index: 0,
          delta: event.text,
        });
      }
      case 'tool_arguments_delta': {
        const item = this.open.get(event.index);
        if (item?.kind !== 'function_call' || event.json === '') return '';
        item.args += event.json;
        // A custom tool's input is one string inside the JSON: it goes out whole when the call is complete.
        if (this.output[item.outputIndex]?.type === 'custom_tool_call') return '';
        return this.emit({
          type: 'response.function_call_arguments.delta',
          item_id: item.id,
          output_index: item.outputIndex,
          delta: event.json,
        });
      }
      case 'block_stop':
        return this.stopItem(event.index);
      case 'signature_delta': {
        const item = this.open.get(event.index);
        if (item?.kind === 'reasoning') item.signature = event.signature;
        return '';
      }
      case 'usage':
        this.usage = { ...this.usage, ...event.usage };
        return '';
      case 'finish': {
        // Blocks a sloppy upstream left open are closed first, so the final output is complete.
        let out = '';
        for (const index of [...this.open.keys()]) out += this.stopItem(index);
        const { status, incomplete_details } = responseStatus(event.stopReason);
        const response = this.response(status, incomplete_details, responsesUsage(this.usage));
        const type = status === 'incomplete' ? 'response.incomplete' : 'response.completed';
        return out + this.emit({ type, response });
      }
      case 'error':
        this.closed = true;
        return responsesStreamErrorEvent(event.status ?? 502, event.message, this.sequence++);
    }
  }

  /** A Responses stream has no end marker: the terminal event was `response.completed`. */
  end(): string {
    this.closed = true;
    return '';
  }

  error(status: number, message: string): string {
    if (this.closed) return '';
    this.closed = true;
    return responsesStreamErrorEvent(status, message, this.sequence++);
  }

  private startItem(
    index: number,
    block: Extract<HubStreamEvent, { type: 'block_start' }>['block'],
  ): string {
    const outputIndex = this.output.length;
    switch (block.type) {
      case 'text': {
        const id = outputItemId('msg', this.id, outputIndex);
        this.open.set(index, { kind: 'message', outputIndex, id, text: '' });
        const item: ResponsesOutputItem = {
          id,
          type: 'message',
          status: 'in_progress',
          content: [],
          role: 'assistant',
        };
        this.output.push(item);
        return (
          this.emit({ type: 'response.output_item.added', output_index: outputIndex, item }) +
          this.emit({
            type: 'response.content_part.added',
            item_id: id,
            output_index: outputIndex,
            content_index: 0,
            part: outputText(''),
          })
        );
      }
      case 'thinking': {
        const id = outputItemId('rs', this.id, outputIndex);
        this.open.set(index, { kind: 'reasoning', outputIndex, id, text: '', signature: null });
        const item: ResponsesOutputItem = { id, type: 'reasoning', summary: [] };
        this.output.push(item);
        return (
          this.emit({ type: 'response.output_item.added', output_index: outputIndex, item }) +
          this.emit({
            type: 'response.reasoning_summary_part.added',
            item_id: id,
            output_index: outputIndex,
            summary_index: 0,
            part: { type: 'summary_text', text: '' },
          })
        );
      }
      case 'tool_call': {
        const id = outputItemId('fc', this.id, outputIndex);
        const { id: callId, name } = block;
        this.open.set(index, { kind: 'function_call', outputIndex, id, callId, name, args: '' });
        const item = callItem(
          id,
          callId,
          clientToolCall(name, '', this.opts.clientTools),
          'in_progress',
        );
        this.output.push(item);
        return this.emit({ type: 'response.output_item.added', output_index: outputIndex, item });
      }
      case 'redacted_thinking':
        // Encrypted reasoning of another provider: nothing a Responses client could read or send back.
        return '';
    }
  }

  private stopItem(index: number): string {
    const item = this.open.get(index);
    if (item === undefined) return '';
    this.open.delete(index);
    const { id, outputIndex } = item;
    switch (item.kind) {
      case 'message': {
        const part = outputText(item.text);
        const done: ResponsesOutputItem = {
          id,
          type: 'message',
          status: 'completed',
          content: [part],
          role: 'assistant',
        };
        this.output[outputIndex] = done;
        const at = { item_id: id, output_index: outputIndex, content_index: 0 };
        return (
          this.emit({ type: 'response.output_text.done', ...at, text: item.text, logprobs: [] }) +
          this.emit({ type: 'response.content_part.done', ...at, part }) +
          this.emit({ type: 'response.output_item.done', output_index: outputIndex, item: done })
        );
      }
      case 'reasoning': {
        const part = { type: 'summary_text', text: item.text } as const;
        const done: ResponsesOutputItem = {
          ...reasoningItem(id, item.text, item.signature),
          summary: [part],
        };
        this.output[outputIndex] = done;
        const at = { item_id: id, output_index: outputIndex, summary_index: 0 } as const;
        return (
          this.emit({ type: 'response.reasoning_summary_text.done', ...at, text: item.text }) +
          this.emit({ type: 'response.reasoning_summary_part.done', ...at, part }) +
          this.emit({ type: 'response.output_item.done', output_index: outputIndex, item: done })
        );
      }
      case 'function_call': {
        const call = clientToolCall(item.name, item.args, this.opts.clientTools);
        const done = callItem(id, item.callId, call, 'completed');
        this.output[outputIndex] = done;
        const at = { item_id: id, output_index: outputIndex };
        const finished =
          call.type === 'custom_tool_call'
            ? this.emit({
                type: 'response.custom_tool_call_input.delta',
                ...at,
                delta: call.input,
              }) +
              this.emit({ type: 'response.custom_tool_call_input.done', ...at, input: call.input })
            : this.emit({
                type: 'response.function_call_arguments.done',
                ...at,
                name: call.name,
                arguments: item.args,
              });
        return (
          finished +
          this.emit({ type: 'response.output_item.done', output_index: outputIndex, item: done })
        );
      }
    }
  }

  private response(
    status: ResponseStatus,
    incompleteDetails: ResponsesResponse['incomplete_details'],
    usage: ResponsesUsage | null = null,
  ): ResponsesResponse {
    return responseObject({
      id: this.id,
      createdAt: this.opts.createdAt,
      model: this.opts.model,
      status,
      incompleteDetails,
      output: structuredClone(this.output),
      usage,
    });
  }

  private emit(event: ResponsesStreamEvent): string {
    const { type, ...rest } = event;
    const data = JSON.stringify({ type, sequence_number: this.sequence++, ...rest });
    return `event: ${type}\ndata: ${data}\n\n`;
  }
}

function outputText(text: string): ResponsesOutputText {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

type TrackedItem =
  | { kind: 'function_call'; block: number; streamed: boolean }
  | { kind: 'reasoning'; block: number | null }
  | { kind: 'message' };

/**
 * Responses stream events from an upstream to hub events, each event's at once. Items become blocks as they
 * open: a function call at `output_item.added`, each text or refusal part at `content_part.added`, a reasoning
 * item at its first summary part or text (reasoning without summaries yields no block). `response.completed`
 * / `response.incomplete` close what is open and give usage, then `finish`; `response.failed` and `error`
 * give `error`. Events the hub cannot use (built-in tool progress, annotations, keep-alives) give nothing.
 */
export class ResponsesStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private nextBlock = 0;
  private readonly items = new Map<number, TrackedItem>();
  /** Text parts by `output_index:content_index` to their block. */
  private readonly textBlocks = new Map<string, number>();
  private readonly openBlocks = new Set<number>();
  private sawToolCall = false;
  private refused = false;
  private lastUsage: TokenUsage | null = null;

  get usage(): TokenUsage | null {
    return this.lastUsage;
  }

  decode(eventName: string | null, data: string): HubStreamEvent[] {
    if (this.finished) return [];
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return [];
    }
    if (!isRecord(event)) return [];
    const type = typeof event.type === 'string' ? event.type : eventName;
    const out: HubStreamEvent[] = [];
    if (!this.started && type !== 'error' && isRecord(event.response)) {
      this.started = true;
      const { id, model } = event.response;
      out.push({
        type: 'start',
        id: typeof id === 'string' ? id : '',
        model: typeof model === 'string' ? model : '',
      });
    }
    const outputIndex = typeof event.output_index === 'number' ? event.output_index : 0;
    switch (type) {
      case 'response.output_item.added':
        if (isRecord(event.item)) this.itemAdded(outputIndex, event.item, out);
        break;
      case 'response.content_part.added':
        if (isRecord(event.part)) {
          this.textBlock(outputIndex, event.content_index, event.part.type === 'refusal', out);
        }
        break;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        if (typeof event.delta === 'string' && event.delta !== '') {
          const index = this.textBlock(
            outputIndex,
            event.content_index,
            type === 'response.refusal.delta',
            out,
          );
          out.push({ type: 'text_delta', index, text: event.delta });
        }
        break;
      case 'response.content_part.done': {
        const index = this.textBlocks.get(partKey(outputIndex, event.content_index));
        if (index !== undefined) this.stop(index, out);
        break;
      }
      case 'response.reasoning_summary_part.added': {
        const item = this.items.get(outputIndex);
        if (item?.kind === 'reasoning' && item.block !== null) {
          // A further summary part of the same reasoning: a paragraph break in the one thinking block.
          out.push({ type: 'thinking_delta', index: item.block, text: '\n\n' });
        } else {
          this.thinkingBlock(outputIndex, out);
        }
        break;
      }
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (typeof event.delta === 'string' && event.delta !== '') {
          out.push({
            type: 'thinking_delta',
            index: this.thinkingBlock(outputIndex, out),
            text: event.delta,
          });
        }
        break;
      case 'response.function_call_arguments.delta': {
        const item = this.items.get(outputIndex);
        if (
          item?.kind === 'function_call' &&
          typeof event.delta === 'string' &&
          event.delta !== ''
        ) {
          item.streamed = true;
          out.push({ type: 'tool_arguments_delta', index: item.block, json: event.delta });
        }
        break;
      }
      case 'response.function_call_arguments.done':
        this.argumentsOnce(outputIndex, event.arguments, out);
        break;
      case 'response.output_item.done':
        if (isRecord(event.item)) this.itemDone(outputIndex, event.item, out);
        break;
      case 'response.completed':
      case 'response.incomplete':
        this.complete(isRecord(event.response) ? event.response : {}, out);
        break;
      case 'response.failed': {
        const error = isRecord(event.response) ? event.response.error : null;
        out.push(this.fail(isRecord(error) ? error.message : null, isRecord(error) ? error : {}));
        break;
      }
      case 'error': {
        const nested = isRecord(event.error) ? event.error : {};
        const message = typeof event.message === 'string' ? event.message : nested.message;
        out.push(this.fail(message, { code: event.code ?? nested.code, type: nested.type }));
        break;
      }
      default:
        break;
    }
    return out;
  }

  private itemAdded(
    outputIndex: number,
    item: Record<string, unknown>,
    out: HubStreamEvent[],
  ): void {
    if (item.type === 'function_call') {
      const block = this.nextBlock++;
      this.sawToolCall = true;
      this.items.set(outputIndex, { kind: 'function_call', block, streamed: false });
      this.openBlocks.add(block);
      out.push({
        type: 'block_start',
        index: block,
        block: {
          type: 'tool_call',
          id: typeof item.call_id === 'string' ? item.call_id : `call_${outputIndex}`,
          name: typeof item.name === 'string' ? item.name : '',
        },
      });
      this.argumentsOnce(outputIndex, item.arguments, out);
    } else if (item.type === 'reasoning') {
      this.items.set(outputIndex, { kind: 'reasoning', block: null });
    } else if (item.type === 'message') {
      this.items.set(outputIndex, { kind: 'message' });
    }
  }

  /** Arguments that arrive whole (in `added`, `.done` or the item's `done`) when no delta carried them. */
  private argumentsOnce(outputIndex: number, args: unknown, out: HubStreamEvent[]): void {
    const item = this.items.get(outputIndex);
    if (item?.kind !== 'function_call' || item.streamed) return;
    if (typeof args !== 'string' || args === '') return;
    item.streamed = true;
    out.push({ type: 'tool_arguments_delta', index: item.block, json: args });
  }

  private itemDone(
    outputIndex: number,
    item: Record<string, unknown>,
    out: HubStreamEvent[],
  ): void {
    const tracked = this.items.get(outputIndex);
    if (tracked?.kind === 'function_call') {
      this.argumentsOnce(outputIndex, item.arguments, out);
      this.stop(tracked.block, out);
    } else if (tracked?.kind === 'reasoning') {
      // OpenAI's encrypted reasoning comes whole with the finished item (asked for with `include`).
      const encrypted = item.encrypted_content;
      if (typeof encrypted === 'string' && encrypted !== '') {
        const block = this.thinkingBlock(outputIndex, out);
        out.push({
          type: 'signature_delta',
          index: block,
          signature: { issuer: 'openai', value: encrypted },
        });
      }
      if (tracked.block !== null) this.stop(tracked.block, out);
    } else if (tracked?.kind === 'message') {
      for (const [key, index] of this.textBlocks) {
        if (key.startsWith(`${outputIndex}:`)) this.stop(index, out);
      }
    }
  }

  private textBlock(
    outputIndex: number,
    contentIndex: unknown,
    refusal: boolean,
    out: HubStreamEvent[],
  ): number {
    if (refusal) this.refused = true;
    const key = partKey(outputIndex, contentIndex);
    const known = this.textBlocks.get(key);
    if (known !== undefined) return known;
    const index = this.nextBlock++;
    this.textBlocks.set(key, index);
    this.openBlocks.add(index);
    out.push({ type: 'block_start', index, block: { type: 'text' } });
    return index;
  }

  private thinkingBlock(outputIndex: number, out: HubStreamEvent[]): number {
    let item = this.items.get(outputIndex);
    if (item?.kind !== 'reasoning') {
      item = { kind: 'reasoning', block: null };
      this.items.set(outputIndex, item);
    }
    if (item.block === null) {
      item.block = this.nextBlock++;
      this.openBlocks.add(item.block);
      out.push({ type: 'block_start', index: item.block, block: { type: 'thinking' } });
    }
    return item.block;
  }

  private stop(index: number, out: HubStreamEvent[]): void {
    if (!this.openBlocks.delete(index)) return;
    out.push({ type: 'block_stop', index });
  }

  private complete(response: Record<string, unknown>, out: HubStreamEvent[]): void {
    for (const index of [...this.openBlocks].sort((a, b) => a - b)) this.stop(index, out);
    const usage = usageFromResponsesUsage(response.usage);
    if (usage !== null) {
      this.lastUsage = usage;
      out.push({ type: 'usage', usage });
    }
    const stopReason: HubStopReason = responsesStopReason(
      response.status,
      response.incomplete_details,
      {
        hasToolCalls: this.sawToolCall,
        refused: this.refused,
      },
    );
    out.push({ type: 'finish', stopReason, stopSequence: null });
    this.finished = true;
  }

  private fail(message: unknown, error: { type?: unknown; code?: unknown }): HubStreamEvent {
    this.finished = true;
    return {
      type: 'error',
      message:
        typeof message === 'string' && message !== '' ? message : 'The upstream response failed.',
      status: openAIErrorStatus(error),
    };
  }
}

function partKey(outputIndex: number, contentIndex: unknown): string {
  return `${outputIndex}:${typeof contentIndex === 'number' ? contentIndex : 0}`;
}
