// Chat Completions streams to and from the hub's event stream (cross-format only; a same-format stream goes
// through `ChatStreamRelay` in stream.ts untouched).
//
// Thinking travels as a `reasoning_content` delta field: not OpenAI's (OpenAI streams no reasoning text in
// Chat), but the de facto convention of DeepSeek, vLLM, SGLang and OpenRouter-compatible clients; clients that
// do not know it ignore an unknown delta field. The decoder also reads OpenRouter's `reasoning`.
import type { HubStopReason, HubStreamEvent } from '../hub/hub.types';
import type { StreamDecoder, StreamEncoder } from '../hub/protocol-adapter';
import { isRecord } from '../json';
import { openAIErrorStatus, openAIErrorType } from '../openai-base/errors';
import { chatFinishReason, chatUsage } from './from-hub';
import type { TokenUsage } from '../usage';
import { clientId } from '../openai-base/context';
import { openAIStreamErrorEvent } from './errors';
import { chatStopReason, chatUsageToHub } from './to-hub';
import type { ChatCompletionChunk, ChatDelta, ChatFinishReason } from './types';

export interface ChatStreamEncoderOptions {
  /** For the `chatcmpl-` id when the upstream's `start` carries no id. */
  requestId: string;
  /** The model the client named, echoed in every chunk. */
  model: string;
  /** `created` of every chunk, Unix seconds. */
  created: number;
  /** The client asked for `stream_options.include_usage`: end with a usage chunk (`choices: []`). */
  includeUsage: boolean;
}

/**
 * Hub events to `chat.completion.chunk` events, the way OpenAI streams them: a role chunk first, content and
 * tool-call deltas (a call's first chunk with its index, id, type and name, then argument fragments), a chunk
 * with the finish reason, the usage chunk if asked for, then `data: [DONE]`.
 */
export class ChatStreamEncoder implements StreamEncoder {
  private id: string;
  /** Hub block index to the index of the call in OpenAI's `tool_calls`. */
  private readonly toolIndexes = new Map<number, number>();
  private usage: Partial<TokenUsage> = {};
  private closed = false;

  constructor(private readonly opts: ChatStreamEncoderOptions) {
    this.id = clientId('chatcmpl-', '', opts.requestId);
  }

  encode(event: HubStreamEvent): string {
    if (this.closed) return '';
    switch (event.type) {
      case 'start':
        this.id = clientId('chatcmpl-', event.id, this.opts.requestId);
        return this.chunk({ role: 'assistant', content: '' }, null);
      case 'block_start': {
        if (event.block.type !== 'tool_call') return '';
        const index = this.toolIndexes.size;
        this.toolIndexes.set(event.index, index);
        const { id, name } = event.block;
        return this.chunk(
          { tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] },
          null,
        );
      }
      case 'text_delta':
        return event.text === '' ? '' : this.chunk({ content: event.text }, null);
      case 'thinking_delta':
        return event.text === '' ? '' : this.chunk({ reasoning_content: event.text }, null);
      case 'tool_arguments_delta': {
        const index = this.toolIndexes.get(event.index);
        if (index === undefined || event.json === '') return '';
        return this.chunk({ tool_calls: [{ index, function: { arguments: event.json } }] }, null);
      }
      case 'signature_delta':
      case 'block_stop':
        return '';
      case 'usage':
        this.usage = { ...this.usage, ...event.usage };
        return '';
      case 'finish': {
        const finish = this.chunk({}, chatFinishReason(event.stopReason));
        if (!this.opts.includeUsage) return finish;
        const usage: ChatCompletionChunk = {
          ...this.base(),
          choices: [],
          usage: chatUsage(this.usage),
        };
        return finish + data(usage);
      }
      case 'error':
        this.closed = true;
        return openAIStreamErrorEvent(event.message, openAIErrorType(event.status ?? 500));
    }
  }

  end(): string {
    if (this.closed) return '';
    this.closed = true;
    return 'data: [DONE]\n\n';
  }

  error(status: number, message: string): string {
    if (this.closed) return '';
    this.closed = true;
    return openAIStreamErrorEvent(message, openAIErrorType(status));
  }

  private base(): Omit<ChatCompletionChunk, 'choices'> {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.opts.created,
      model: this.opts.model,
    };
  }

  private chunk(delta: ChatDelta, finishReason: ChatFinishReason | null): string {
    return data({
      ...this.base(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
  }
}

function data(chunk: ChatCompletionChunk): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

type OpenBlock = { kind: 'text' | 'thinking' | 'tool'; index: number };

/**
 * `chat.completion.chunk` events from an OpenAI-format upstream to hub events, each chunk's events at once.
 *
 * Blocks: content, reasoning and each tool call (by its `index`) are blocks in the order they appear; a new
 * kind of delta closes the open block. Only choice 0 is read (translated requests never ask for `n`).
 *
 * Finish and usage: OpenAI sends `finish_reason` on the last content chunk and the usage in a later chunk
 * (`choices: []`), then `[DONE]`. The hub wants usage before `finish` (an encoder writes its closing event,
 * e.g. Anthropic's `message_delta` with usage, at `finish`), so `finish_reason` only closes the open blocks
 * and is held; `finish` is emitted right after the usage that follows it, or at `[DONE]` when none comes
 * (`include_usage` is always requested, but not every compatible server honours it). A server that sends
 * usage on the finish chunk itself gets usage and finish from that one chunk.
 */
export class ChatStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  /** OpenAI's tool call index to the hub block index. */
  private readonly toolBlocks = new Map<number, number>();
  private pendingStop: HubStopReason | null = null;
  private refused = false;
  private lastUsage: TokenUsage | null = null;

  get usage(): TokenUsage | null {
    return this.lastUsage;
  }

  decode(_eventName: string | null, data: string): HubStreamEvent[] {
    if (this.finished) return [];
    if (data.trim() === '[DONE]') return this.started ? this.finish() : [];
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return []; // keep-alive comments and other non-JSON noise of compatible servers
    }
    if (!isRecord(chunk)) return [];
    if (chunk.error !== undefined && chunk.error !== null) {
      this.finished = true;
      const error = isRecord(chunk.error) ? chunk.error : {};
      const message =
        typeof error.message === 'string'
          ? error.message
          : 'The upstream stream reported an error.';
      return [{ type: 'error', message, status: openAIErrorStatus(error) }];
    }

    const out: HubStreamEvent[] = [];
    const choices: unknown[] = Array.isArray(chunk.choices) ? chunk.choices : [];
    const usage = chatUsageToHub(chunk.usage);
    if (!this.started) {
      // Azure sends a prompt-filter chunk (no choices, no usage, empty id) before the answer.
      if (choices.length === 0 && usage === null) return [];
      this.started = true;
      out.push({
        type: 'start',
        id: typeof chunk.id === 'string' ? chunk.id : '',
        model: typeof chunk.model === 'string' ? chunk.model : '',
      });
    }

    const choice = choices.find((c) => isRecord(c) && (c.index ?? 0) === 0);
    if (isRecord(choice)) this.readChoice(choice, out);
    if (usage !== null) {
      this.lastUsage = usage;
      out.push({ type: 'usage', usage });
      if (this.pendingStop !== null) out.push(...this.finish());
    }
    return out;
  }

  private readChoice(choice: Record<string, unknown>, out: HubStreamEvent[]): void {
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') {
      out.push({ type: 'thinking_delta', index: this.enter('thinking', out), text: reasoning });
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      out.push({ type: 'text_delta', index: this.enter('text', out), text: delta.content });
    }
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      this.refused = true;
      out.push({ type: 'text_delta', index: this.enter('text', out), text: delta.refusal });
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) if (isRecord(call)) this.readToolCall(call, out);
    }
    if (typeof choice.finish_reason === 'string') {
      this.close(out);
      this.pendingStop = this.refused
        ? 'refusal'
        : chatStopReason(choice.finish_reason, this.toolBlocks.size > 0);
    }
  }

  private readToolCall(call: Record<string, unknown>, out: HubStreamEvent[]): void {
    const position = typeof call.index === 'number' ? call.index : this.toolBlocks.size;
    const fn = isRecord(call.function) ? call.function : {};
    let index = this.toolBlocks.get(position);
    if (index === undefined) {
      this.close(out);
      index = this.nextIndex++;
      this.toolBlocks.set(position, index);
      this.open = { kind: 'tool', index };
      out.push({
        type: 'block_start',
        index,
        block: {
          type: 'tool_call',
          // Every server sends the id with the call's first chunk; a stable stand-in if one does not.
          id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${position}`,
          name: typeof fn.name === 'string' ? fn.name : '',
        },
      });
    }
    // Arguments of a call whose block was already closed (a server interleaving calls) still go to that call.
    if (typeof fn.arguments === 'string' && fn.arguments !== '') {
      out.push({ type: 'tool_arguments_delta', index, json: fn.arguments });
    }
  }

  /** The index of an open block of this kind, opening one (and closing another kind) if needed. */
  private enter(kind: 'text' | 'thinking', out: HubStreamEvent[]): number {
    if (this.open?.kind === kind) return this.open.index;
    this.close(out);
    const index = this.nextIndex++;
    this.open = { kind, index };
    out.push({ type: 'block_start', index, block: { type: kind } });
    return index;
  }

  private close(out: HubStreamEvent[]): void {
    if (this.open === null) return;
    out.push({ type: 'block_stop', index: this.open.index });
    this.open = null;
  }

  private finish(): HubStreamEvent[] {
    const out: HubStreamEvent[] = [];
    this.close(out);
    this.finished = true;
    const stopReason =
      this.pendingStop ??
      (this.refused ? 'refusal' : chatStopReason(null, this.toolBlocks.size > 0));
    out.push({ type: 'finish', stopReason, stopSequence: null });
    return out;
  }
}
