// OpenAI Chat on both sides: the client's body with the model mapped (`buildUpstreamChatBody`), the upstream's
// SSE relayed event by event while usage, finish reason and model are read (`ChatStreamRelay`), behind the hub's
// PassThroughCodec interface. The ingress owns SSE byte parsing and hands each event's data here; what comes
// back is written to the client as is.
import type { PassThroughCodec, PassThroughRelay } from '../hub/protocol-adapter';
import type { TokenUsage } from '../usage';
import { CHAT_COMPLETIONS_PATH } from './from-hub';
import { includeUsageOf } from '../openai-base/context';
import { isRecord } from '../json';
import { buildUpstreamChatBody, parseChatRequest } from './parse';
import type { ChatRequestView } from './types';
import { usageFromChatCompletion, usageFromChatUsage } from './usage';

export const chatPassThrough: PassThroughCodec = {
  buildRequest(body, upstreamModel, stream) {
    return {
      path: CHAT_COMPLETIONS_PATH,
      body: buildUpstreamChatBody(body, upstreamModel, viewOf(body, stream)),
      headers: { 'content-type': 'application/json' },
    };
  },
  usageFromResponse: usageFromChatCompletion,
  streamRelay: (ctx) => new ChatPassThroughRelay(includeUsageOf(ctx)),
};

/**
 * The view `buildUpstreamChatBody` needs, derived again from the body ingress already validated (the interface
 * hands over the body alone; a few microseconds). `stream` is the caller's word on streaming either way.
 */
function viewOf(body: Record<string, unknown>, stream: boolean): ChatRequestView {
  const parsed = parseChatRequest(body);
  if (parsed.ok) return { ...parsed.view, stream };
  // Not reached for a body ingress validated; the body builder reads only `stream` from the view.
  return { model: '', stream, includeUsage: false, maxTokens: null, fallbackModels: [] };
}

/** `ChatStreamRelay` as a PassThroughRelay: `complete` once the upstream sent `[DONE]`. */
export class ChatPassThroughRelay implements PassThroughRelay {
  private readonly relay: ChatStreamRelay;

  constructor(clientWantsUsage: boolean) {
    this.relay = new ChatStreamRelay({ clientWantsUsage });
  }

  push(_eventName: string | null, data: string): string {
    return this.relay.push(data);
  }

  end(): string {
    return '';
  }

  get usage(): TokenUsage | null {
    return this.relay.usage;
  }

  get complete(): boolean {
    return this.relay.sawDone;
  }
}

const DONE = '[DONE]';

export class ChatStreamRelay {
  private readonly clientWantsUsage: boolean;
  private lastUsage: TokenUsage | null = null;
  private done = false;
  private lastFinishReason: string | null = null;
  private firstModel: string | null = null;

  constructor(opts: { clientWantsUsage: boolean }) {
    this.clientWantsUsage = opts.clientWantsUsage;
  }

  /** Usage from the stream's usage chunk (include_usage is always forced upstream); null if none came. */
  get usage(): TokenUsage | null {
    return this.lastUsage;
  }

  /** The upstream ended the stream properly; a stream that stops without `[DONE]` was cut off. */
  get sawDone(): boolean {
    return this.done;
  }

  /** The last non-null `finish_reason` of any choice (with `n` > 1 the choices may differ; one is recorded). */
  get finishReason(): string | null {
    return this.lastFinishReason;
  }

  /** The model the upstream says answered (often a dated snapshot of the requested name). */
  get model(): string | null {
    return this.firstModel;
  }

  /**
   * Takes one SSE event's data (the text after `data: `) and returns the bytes to forward, '' to drop it.
   *
   * Events are forwarded verbatim, never re-serialised, so fields the gateway does not know (`obfuscation`,
   * `system_fingerprint`, vendor extras) and number formatting reach the client unchanged. The one event dropped
   * is the usage-only chunk (`choices: []` with `usage`) when the client did not ask for usage: it would be an
   * unexpected extra chunk for clients that index `choices[0]`. Servers that put usage on the last content chunk
   * instead are forwarded whole; the client then sees a usage it did not ask for, which the schema allows.
   * The `"usage": null` field that include_usage adds to every ordinary chunk is left in place: it is in
   * OpenAI's schema, SDKs ignore it, and removing it would mean re-serialising each chunk.
   *
   * Each JSON event is parsed once with JSON.parse. Chunks are a few hundred bytes, so this costs microseconds
   * per chunk against milliseconds between chunks; a cheaper substring pre-check is possible if `npm run bench`
   * ever shows it.
   */
  push(data: string): string {
    if (data.trim() === DONE) {
      this.done = true;
      return sse(data);
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      // Not ours to judge: forward what the upstream sent, as a pass-through proxy would.
      return sse(data);
    }
    if (!isRecord(chunk)) return sse(data);

    if (this.firstModel === null && typeof chunk.model === 'string') this.firstModel = chunk.model;
    const usage = usageFromChatUsage(chunk.usage);
    if (usage !== null) this.lastUsage = usage;

    // Some OpenAI-compatible servers leave `choices` out of the usage chunk instead of sending `[]`.
    const choices: unknown[] = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      if (isRecord(choice) && typeof choice.finish_reason === 'string') {
        this.lastFinishReason = choice.finish_reason;
      }
    }
    if (choices.length === 0 && usage !== null && !this.clientWantsUsage) return '';
    return sse(data);
  }
}

/**
 * Formats data as one SSE event. Data with line breaks (valid SSE: several `data:` lines joined by `\n`) gets
 * one `data:` prefix per line, or the client would read the continuation lines as unknown fields.
 */
function sse(data: string): string {
  return data.includes('\n') ? `${data.replace(/^/gm, 'data: ')}\n\n` : `data: ${data}\n\n`;
}
