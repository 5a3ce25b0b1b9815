// Messages API streams to and from the hub's event stream (cross-format only; a same-format stream goes through
// `MessagesPassThroughRelay` in passthrough.ts untouched).
//
// The API's stream: `message_start` (the message with empty content and the usage known so far), then per
// content block `content_block_start`, its deltas and `content_block_stop`, one block at a time with indexes
// 0, 1, 2, ...; `ping` anywhere; then `message_delta` (stop reason and the cumulative usage) and `message_stop`.
// An `error` event may end it instead. Every event is `event: <type>` with a JSON data of the same `type`.
import type { HubBlockStart, HubStopReason, HubStreamEvent } from '../hub/hub.types';
import type { StreamDecoder, StreamEncoder } from '../hub/protocol-adapter';
import { isRecord } from '../json';
import { clientSignature } from '../hub/thought-signature';
import type { TokenUsage } from '../usage';
import { anthropicErrorStatus, anthropicStreamErrorEvent } from './errors';
import { anthropicStopReason, messageId } from './from-hub';
import { hubStopReason } from './to-hub';
import type { AnthropicDelta, AnthropicResponseBlock, AnthropicStreamEvent } from './types';
import { AnthropicUsageCounter, anthropicUsage } from './usage';

export interface MessagesStreamEncoderOptions {
  /** For the `msg_` id when the upstream's `start` carries no id. */
  requestId: string;
  /** The model the client named, echoed in `message_start`. */
  model: string;
}

type BlockKind = HubBlockStart['type'];

/**
 * Hub events to the API's stream events, each written at once.
 *
 * Usage: an upstream in another format may report usage only at the end (OpenAI, Responses), so
 * `message_start` carries what is known when it is written (often zeros) and `message_delta` the final
 * cumulative usage with every count, `input_tokens` included, as the current API sends it and the Anthropic
 * SDKs read it (they update the message's usage from `message_delta`).
 *
 * Blocks: hub block indexes are mapped to 0, 1, 2, ... in order of their start. The API has one block open at a
 * time, so a block starting while another is open closes that one first; a late delta to a closed block (a hub
 * decoder relaying interleaved tool calls) still goes to that block's index, where the SDKs' accumulators,
 * which address blocks by index, put it.
 */
export class MessagesStreamEncoder implements StreamEncoder {
  private started = false;
  private finished = false;
  private closed = false;
  private id: string;
  private readonly indexes = new Map<number, { index: number; kind: BlockKind }>();
  /** The hub index of the open block, if one is open. */
  private open: number | null = null;
  private usage: Partial<TokenUsage> = {};

  constructor(private readonly opts: MessagesStreamEncoderOptions) {
    this.id = messageId('', opts.requestId);
  }

  encode(event: HubStreamEvent): string {
    if (this.closed) return '';
    switch (event.type) {
      case 'start':
        if (this.started) return '';
        this.id = messageId(event.id, this.opts.requestId);
        return this.start();
      case 'block_start':
        return this.start() + this.blockStart(event.index, event.block);
      case 'text_delta':
        return this.delta(event.index, 'text', { type: 'text_delta', text: event.text });
      case 'thinking_delta':
        return this.delta(event.index, 'thinking', {
          type: 'thinking_delta',
          thinking: event.text,
        });
      case 'signature_delta':
        return this.delta(event.index, 'thinking', {
          type: 'signature_delta',
          // The block carries its text whole, so a relayed signature need not repeat it.
          signature: clientSignature(event.signature, 'anthropic'),
        });
      case 'tool_arguments_delta':
        return this.delta(event.index, 'tool_call', {
          type: 'input_json_delta',
          partial_json: event.json,
        });
      case 'block_stop':
        return this.open === event.index ? this.closeOpen() : '';
      case 'usage':
        this.usage = { ...this.usage, ...event.usage };
        return '';
      case 'finish':
        return this.finish(event.stopReason, event.stopSequence);
      case 'error':
        this.closed = true;
        return this.start() + anthropicStreamErrorEvent(event.status ?? 500, event.message);
    }
  }

  /** `message_stop`, after a finish (an upstream that ended without one ends as `end_turn`). */
  end(): string {
    if (this.closed) return '';
    const out = this.finished ? '' : this.finish('end_turn', null);
    this.closed = true;
    return out + sse({ type: 'message_stop' });
  }

  error(status: number, message: string): string {
    if (this.closed) return '';
    this.closed = true;
    return anthropicStreamErrorEvent(status, message);
  }

  /** `message_start`, once, before anything else. */
  private start(): string {
    if (this.started) return '';
    this.started = true;
    return sse({
      type: 'message_start',
      message: {
        id: this.id,
        type: 'message',
        role: 'assistant',
        model: this.opts.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage(this.usage),
      },
    });
  }

  private blockStart(hubIndex: number, block: HubBlockStart): string {
    if (this.finished || this.indexes.has(hubIndex)) return '';
    const closing = this.closeOpen();
    const index = this.indexes.size;
    this.indexes.set(hubIndex, { index, kind: block.type });
    this.open = hubIndex;
    return closing + sse({ type: 'content_block_start', index, content_block: emptyBlock(block) });
  }

  /**
   * A delta for the block of `hubIndex`. Text or thinking for a block never started (a decoder that does not
   * announce blocks) opens one of that kind; a delta of the wrong kind for its block, or arguments for an
   * unknown call, are dropped: the client could not place them.
   */
  private delta(hubIndex: number, kind: BlockKind, delta: AnthropicDelta): string {
    if (this.finished) return '';
    let opening = '';
    if (!this.indexes.has(hubIndex) && (kind === 'text' || kind === 'thinking')) {
      opening = this.start() + this.blockStart(hubIndex, { type: kind });
    }
    const block = this.indexes.get(hubIndex);
    if (block?.kind !== kind) return opening;
    const empty =
      (delta.type === 'text_delta' && delta.text === '') ||
      (delta.type === 'thinking_delta' && delta.thinking === '') ||
      (delta.type === 'input_json_delta' && delta.partial_json === '');
    if (empty) return opening;
    return opening + sse({ type: 'content_block_delta', index: block.index, delta });
  }

  private closeOpen(): string {
    if (this.open === null) return '';
    const block = this.indexes.get(this.open);
    this.open = null;
    return block === undefined ? '' : sse({ type: 'content_block_stop', index: block.index });
  }

  private finish(stopReason: HubStopReason, stopSequence: string | null): string {
    if (this.finished) return '';
    this.finished = true;
    return (
      this.start() +
      this.closeOpen() +
      sse({
        type: 'message_delta',
        delta: {
          stop_reason: anthropicStopReason(stopReason),
          stop_sequence: stopReason === 'stop_sequence' ? stopSequence : null,
        },
        usage: anthropicUsage(this.usage),
      })
    );
  }
}

function emptyBlock(block: HubBlockStart): AnthropicResponseBlock {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
    case 'tool_call':
      return { type: 'tool_use', id: block.id, name: block.name, input: {} };
  }
}

function sse(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The API's stream events to hub events, each event's at once. Hub block indexes are the API's; blocks the hub
 * cannot carry (server tool use and results) are skipped with their deltas. `finish` comes at `message_stop`,
 * with the stop reason `message_delta` gave; `ping` is ignored; an `error` event ends the stream as a hub error.
 *
 * A tool call whose input arrives as no JSON at all (a tool without parameters streams only an empty
 * `input_json_delta`) gets `{}` at its stop, so clients of other formats receive parseable arguments.
 */
export class MessagesStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private readonly counter = new AnthropicUsageCounter();
  /** Open or finished blocks the hub carries, by the API's index, with whether a tool call got arguments. */
  private readonly blocks = new Map<number, { kind: BlockKind; hasJson: boolean }>();
  private stopReason: HubStopReason = 'end_turn';
  private stopSequence: string | null = null;

  get usage(): TokenUsage | null {
    return this.counter.usage;
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
    switch (type) {
      case 'message_start':
        return this.messageStart(isRecord(event.message) ? event.message : {});
      case 'content_block_start':
        return this.blockStart(event.index, event.content_block);
      case 'content_block_delta':
        return this.blockDelta(event.index, event.delta);
      case 'content_block_stop':
        return this.blockStop(event.index);
      case 'message_delta':
        return this.messageDelta(event);
      case 'message_stop':
        this.finished = true;
        return [
          ...this.startIfNeeded(),
          { type: 'finish', stopReason: this.stopReason, stopSequence: this.stopSequence },
        ];
      case 'error': {
        this.finished = true;
        const error = isRecord(event.error) ? event.error : {};
        const message =
          typeof error.message === 'string'
            ? error.message
            : 'The upstream stream reported an error.';
        return [{ type: 'error', message, status: anthropicErrorStatus(error.type) }];
      }
      default:
        return []; // ping, and event types newer than this decoder
    }
  }

  private messageStart(message: Record<string, unknown>): HubStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    const out: HubStreamEvent[] = [
      {
        type: 'start',
        id: typeof message.id === 'string' ? message.id : '',
        model: typeof message.model === 'string' ? message.model : '',
      },
    ];
    if (this.counter.add(message.usage) && this.counter.usage !== null) {
      out.push({ type: 'usage', usage: this.counter.usage });
    }
    return out;
  }

  /** A `start` for a stream whose `message_start` never came (a proxy that dropped it). */
  private startIfNeeded(): HubStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: 'start', id: '', model: '' }];
  }

  private blockStart(index: unknown, raw: unknown): HubStreamEvent[] {
    if (typeof index !== 'number' || !isRecord(raw) || this.blocks.has(index)) return [];
    const block = hubBlock(raw);
    if (block === null) return [];
    this.blocks.set(index, { kind: block.type, hasJson: false });
    const out: HubStreamEvent[] = [...this.startIfNeeded(), { type: 'block_start', index, block }];
    // The API starts blocks empty; a proxy that sends content with the start still has it relayed.
    if (block.type === 'text' && typeof raw.text === 'string' && raw.text !== '') {
      out.push({ type: 'text_delta', index, text: raw.text });
    }
    if (block.type === 'thinking' && typeof raw.thinking === 'string' && raw.thinking !== '') {
      out.push({ type: 'thinking_delta', index, text: raw.thinking });
    }
    return out;
  }

  private blockDelta(index: unknown, raw: unknown): HubStreamEvent[] {
    if (typeof index !== 'number' || !isRecord(raw)) return [];
    const block = this.blocks.get(index);
    if (block === undefined) return [];
    switch (raw.type) {
      case 'text_delta':
        return typeof raw.text === 'string' && raw.text !== ''
          ? [{ type: 'text_delta', index, text: raw.text }]
          : [];
      case 'thinking_delta':
        return typeof raw.thinking === 'string' && raw.thinking !== ''
          ? [{ type: 'thinking_delta', index, text: raw.thinking }]
          : [];
      case 'signature_delta':
        return typeof raw.signature === 'string' && raw.signature !== ''
          ? [
              {
                type: 'signature_delta',
                index,
                signature: { issuer: 'anthropic', value: raw.signature },
              },
            ]
          : [];
      case 'input_json_delta':
        if (typeof raw.partial_json !== 'string' || raw.partial_json === '') return [];
        block.hasJson = true;
        return [{ type: 'tool_arguments_delta', index, json: raw.partial_json }];
      default:
        return []; // citations_delta and newer delta types
    }
  }

  private blockStop(index: unknown): HubStreamEvent[] {
    if (typeof index !== 'number') return [];
    const block = this.blocks.get(index);
    if (block === undefined) return [];
    const out: HubStreamEvent[] = [];
    if (block.kind === 'tool_call' && !block.hasJson) {
      block.hasJson = true;
      out.push({ type: 'tool_arguments_delta', index, json: '{}' });
    }
    out.push({ type: 'block_stop', index });
    return out;
  }

  private messageDelta(event: Record<string, unknown>): HubStreamEvent[] {
    const delta = isRecord(event.delta) ? event.delta : {};
    if (typeof delta.stop_reason === 'string') this.stopReason = hubStopReason(delta.stop_reason);
    if (typeof delta.stop_sequence === 'string') this.stopSequence = delta.stop_sequence;
    const out = this.startIfNeeded();
    if (this.counter.add(event.usage) && this.counter.usage !== null) {
      out.push({ type: 'usage', usage: this.counter.usage });
    }
    return out;
  }
}

function hubBlock(raw: Record<string, unknown>): HubBlockStart | null {
  switch (raw.type) {
    case 'text':
      return { type: 'text' };
    case 'thinking':
      return { type: 'thinking' };
    case 'redacted_thinking':
      return typeof raw.data === 'string' ? { type: 'redacted_thinking', data: raw.data } : null;
    case 'tool_use':
      return {
        type: 'tool_call',
        id: typeof raw.id === 'string' ? raw.id : '',
        name: typeof raw.name === 'string' ? raw.name : '',
      };
    default:
      return null;
  }
}
