// Gemini streams both ways. `streamGenerateContent` answers with a sequence of `GenerateContentResponse` chunks,
// framed as SSE (`?alt=sse`: `data: <json>\r\n\r\n`) or, without `alt`, as one JSON array written element by
// element (`[{…}\n,\r\n{…}\n]`). Upstream calls always ask for SSE; a client gets the framing it asked for.
//
// Each chunk holds whole parts: text arrives piece by piece, but a function call always comes complete in one
// part (Gemini never streams partial arguments), so the encoder holds a tool call's argument deltas until its
// block stops and the decoder turns each call into a complete tool_call block at once.
import type { HubSignature, HubStreamEvent } from '../hub/hub.types';
import type { ClientContext, StreamDecoder, StreamEncoder } from '../hub/protocol-adapter';
import { clientSignature } from '../hub/thought-signature';
import { isRecord } from '../json';
import type { TokenUsage } from '../usage';
import { geminiStreamError } from './errors';
import { finishReasonFromHub, functionCallPart, usageMetadataFromHub } from './from-hub';
import { ToolCallLedger, readGeminiResponse, responseStopReason } from './to-hub';
import type { GeminiGenerateContentResponse, GeminiPart } from './types';
import { NO_USAGE, usageFromGeminiUsage } from './usage';

/** Frames serialised chunks for a client, in SSE or in the JSON-array stream; shared with the pass-through. */
export class GeminiStreamFramer {
  private opened = false;
  private closed = false;

  constructor(private readonly sse: boolean) {}

  /** One chunk's JSON text as the bytes to write. */
  frame(json: string): string {
    if (this.closed) return '';
    if (this.sse) {
      // An SSE event's data may span lines (joined by \n when parsed); each line needs its own `data:`.
      return `${json
        .split(/\r?\n/)
        .map((line) => `data: ${line}`)
        .join('\r\n')}\r\n\r\n`;
    }
    const head = this.opened ? ',\r\n' : '[';
    this.opened = true;
    return `${head}${json}\n`;
  }

  /** Closes the stream normally: nothing for SSE, the array's `]` (an empty array if nothing was sent). */
  end(): string {
    if (this.closed) return '';
    this.closed = true;
    if (this.sse) return '';
    return this.opened ? ']' : '[]';
  }

  error(status: number, message: string): string {
    if (this.closed) return '';
    this.closed = true;
    return geminiStreamError(status, message, { sse: this.sse, opened: this.opened });
  }
}

type EncoderBlock =
  | { kind: 'text' }
  | { kind: 'thinking'; text: string }
  | { kind: 'tool_call'; id: string; name: string; args: string }
  | { kind: 'other' };

/**
 * Hub events → Gemini chunks for a client. Each text or thinking delta is a chunk with one part, a tool call one
 * chunk when its block stops, and the finish a last chunk with `finishReason` and `usageMetadata`. Every chunk
 * carries `modelVersion` (the model the client named) and `responseId` (the request id), as Gemini's do.
 */
export class GeminiStreamEncoder implements StreamEncoder {
  private readonly framer: GeminiStreamFramer;
  private readonly blocks = new Map<number, EncoderBlock>();
  private usage: TokenUsage | null = null;
  private finished = false;
  /** A thought's signature, waiting for the next part. */
  private pendingSignature: string | null = null;

  constructor(private readonly ctx: ClientContext) {
    this.framer = new GeminiStreamFramer(ctx.sse);
  }

  encode(event: HubStreamEvent): string {
    if (this.finished) return '';
    switch (event.type) {
      case 'start':
        return '';
      case 'block_start': {
        const block = event.block;
        this.blocks.set(
          event.index,
          block.type === 'tool_call'
            ? { kind: 'tool_call', id: block.id, name: block.name, args: '' }
            : block.type === 'thinking'
              ? { kind: 'thinking', text: '' }
              : { kind: block.type === 'redacted_thinking' ? 'other' : block.type },
        );
        return '';
      }
      case 'text_delta':
        return event.text === '' ? '' : this.chunk([this.signed({ text: event.text })]);
      case 'thinking_delta': {
        const block = this.blocks.get(event.index);
        if (block?.kind === 'thinking') block.text += event.text;
        return event.text === '' ? '' : this.chunk([{ text: event.text, thought: true }]);
      }
      case 'signature_delta': {
        // Held for the part that follows the thought, where Gemini puts it (see clientParts in from-hub.ts).
        const block = this.blocks.get(event.index);
        this.pendingSignature = clientSignature(
          event.signature,
          'gemini',
          block?.kind === 'thinking' ? block.text : undefined,
        );
        return '';
      }
      case 'tool_arguments_delta': {
        const block = this.blocks.get(event.index);
        if (block?.kind === 'tool_call') block.args += event.json;
        return '';
      }
      case 'block_stop': {
        const block = this.blocks.get(event.index);
        this.blocks.delete(event.index);
        return block?.kind === 'tool_call'
          ? this.chunk([this.signed(functionCallPart(block.id, block.name, block.args))])
          : '';
      }
      case 'usage':
        this.usage = mergeUsage(this.usage, event.usage);
        return '';
      case 'finish': {
        this.finished = true;
        // Gemini's last chunk has an empty text part next to the finish reason; clients index `parts[0]`. It
        // carries a signature no part took (thinking that ended the answer).
        return this.chunk([this.signed({ text: '' })], finishReasonFromHub(event.stopReason));
      }
      case 'error':
        this.finished = true;
        return this.framer.error(event.status ?? 500, event.message);
    }
  }

  end(): string {
    return this.framer.end();
  }

  error(status: number, message: string): string {
    this.finished = true;
    return this.framer.error(status, message);
  }

  /** The part with the pending signature on it, if one waits. */
  private signed(part: GeminiPart): GeminiPart {
    if (this.pendingSignature === null) return part;
    const signed = { ...part, thoughtSignature: this.pendingSignature };
    this.pendingSignature = null;
    return signed;
  }

  private chunk(parts: GeminiPart[], finishReason?: string): string {
    const chunk: GeminiGenerateContentResponse = {
      candidates: [
        {
          content: { parts, role: 'model' },
          ...(finishReason === undefined ? {} : { finishReason }),
          index: 0,
        },
      ],
    };
    if (finishReason !== undefined) {
      chunk.usageMetadata = usageMetadataFromHub(this.usage ?? NO_USAGE);
    }
    chunk.modelVersion = this.ctx.model;
    chunk.responseId = this.ctx.requestId;
    return this.framer.frame(JSON.stringify(chunk));
  }
}

function mergeUsage(current: TokenUsage | null, update: Partial<TokenUsage>): TokenUsage {
  const merged = { ...(current ?? NO_USAGE) };
  for (const key of [
    'inputTokens',
    'outputTokens',
    'cacheReadTokens',
    'cacheWriteTokens',
  ] as const) {
    const value = update[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/**
 * Upstream Gemini SSE chunks → hub events, one chunk at a time. The first chunk emits `start`; text parts open
 * or continue a text block, thought parts a thinking block; each function call is a complete tool_call block;
 * `usageMetadata` (Gemini repeats it in every chunk) a `usage` event when it changed; a `finishReason` closes the
 * open block and finishes. Thought signatures follow to-hub.ts: a signature on a non-thought part signs the open
 * thinking block, or an empty one opened for it. Anything after the finish only updates `usage`.
 */
export class GeminiStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private nextIndex = 0;
  private open: { index: number; kind: 'text' | 'thinking'; signed: boolean } | null = null;
  private readonly ledger = new ToolCallLedger();
  private sawToolCall = false;
  private latestUsage: TokenUsage | null = null;

  get usage(): TokenUsage | null {
    return this.latestUsage;
  }

  decode(_eventName: string | null, data: string): HubStreamEvent[] {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return [];
    }
    if (this.finished) {
      this.latestUsage =
        usageFromGeminiUsage(readGeminiResponse(json).usageMetadata) ?? this.latestUsage;
      return [];
    }
    if (isRecord(json) && isRecord(json.error)) {
      this.finished = true;
      const { message, code } = json.error;
      return [
        {
          type: 'error',
          message: typeof message === 'string' ? message : data,
          ...(typeof code === 'number' && code >= 400 ? { status: code } : {}),
        },
      ];
    }

    const chunk = readGeminiResponse(json);
    const events: HubStreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push({ type: 'start', id: chunk.responseId ?? '', model: chunk.modelVersion ?? '' });
    }
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) this.decodePart(part, events);

    const usage = usageFromGeminiUsage(chunk.usageMetadata);
    if (usage !== null && !sameUsage(usage, this.latestUsage)) {
      this.latestUsage = usage;
      events.push({ type: 'usage', usage });
    }
    const blocked = candidate === undefined && chunk.promptFeedback?.blockReason !== undefined;
    if (candidate?.finishReason !== undefined || blocked) {
      this.close(events);
      this.finished = true;
      const stopReason = responseStopReason(chunk, this.sawToolCall);
      events.push({ type: 'finish', stopReason, stopSequence: null });
    }
    return events;
  }

  private decodePart(part: GeminiPart, events: HubStreamEvent[]): void {
    const signature: HubSignature | undefined =
      part.thoughtSignature === undefined
        ? undefined
        : { issuer: 'gemini', value: part.thoughtSignature };
    if (part.thought === true && part.text !== undefined) {
      const thinking = this.openBlock('thinking', events);
      if (part.text !== '') {
        events.push({ type: 'thinking_delta', index: thinking.index, text: part.text });
      }
      if (signature !== undefined) {
        events.push({ type: 'signature_delta', index: thinking.index, signature });
        thinking.signed = true;
      }
      return;
    }
    if (signature !== undefined) {
      const thinking = this.openBlock('thinking', events);
      events.push({ type: 'signature_delta', index: thinking.index, signature });
      this.close(events);
    }
    if (part.text !== undefined) {
      if (part.text === '') return;
      const text = this.openBlock('text', events);
      events.push({ type: 'text_delta', index: text.index, text: part.text });
    } else if (part.functionCall) {
      this.close(events);
      const call = part.functionCall;
      const index = this.nextIndex++;
      this.sawToolCall = true;
      events.push(
        {
          type: 'block_start',
          index,
          block: { type: 'tool_call', id: this.ledger.call(call), name: call.name },
        },
        { type: 'tool_arguments_delta', index, json: JSON.stringify(call.args ?? {}) },
        { type: 'block_stop', index },
      );
    }
    // Images an image model returns are dropped, as in a non-stream answer (to-hub.ts).
  }

  /** The open block of this kind (an unsigned one, for thinking), or a new one after closing the current. */
  private openBlock(
    kind: 'text' | 'thinking',
    events: HubStreamEvent[],
  ): { index: number; kind: 'text' | 'thinking'; signed: boolean } {
    if (this.open?.kind === kind && !this.open.signed) return this.open;
    this.close(events);
    const index = this.nextIndex++;
    events.push({ type: 'block_start', index, block: { type: kind } });
    this.open = { index, kind, signed: false };
    return this.open;
  }

  private close(events: HubStreamEvent[]): void {
    if (this.open === null) return;
    events.push({ type: 'block_stop', index: this.open.index });
    this.open = null;
  }
}

function sameUsage(a: TokenUsage, b: TokenUsage | null): boolean {
  return (
    b !== null &&
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.cacheReadTokens === b.cacheReadTokens &&
    a.cacheWriteTokens === b.cacheWriteTokens
  );
}
