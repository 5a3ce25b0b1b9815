// OpenAI Chat on both sides: the existing pass-through pieces (`buildUpstreamChatBody`, `ChatStreamRelay`,
// `usageFromChatCompletion`) behind the hub's PassThroughCodec interface.
import type { PassThroughCodec, PassThroughRelay } from '../hub/protocol-adapter';
import type { TokenUsage } from '../usage';
import { CHAT_COMPLETIONS_PATH } from './from-hub';
import { includeUsageOf } from './hub-extensions';
import { buildUpstreamChatBody, parseChatRequest } from './parse';
import { ChatStreamRelay } from './stream';
import type { ChatRequestView } from './types';
import { usageFromChatCompletion } from './usage';

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
