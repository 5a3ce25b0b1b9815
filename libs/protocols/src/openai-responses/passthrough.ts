// OpenAI Responses on both sides: the client's body goes upstream with only the model mapped and the gateway's
// extensions removed; the stream comes back event by event, unchanged, with only the usage read out of the
// terminal event.
import type { PassThroughCodec, PassThroughRelay } from '../hub/protocol-adapter';
import { isRecord } from '../json';
import type { TokenUsage } from '../usage';
import { isGatewayExtension } from '../hub/gateway-extensions';
import { RESPONSES_PATH } from './types';
import { usageFromResponse } from './usage';

/**
 * The client's object with `model` replaced in place and the extensions removed; every other field keeps its
 * position and value. Unlike Chat nothing is forced: every Responses stream ends with its usage.
 */
export function buildUpstreamResponsesBody(
  body: Record<string, unknown>,
  upstreamModel: string,
): string {
  // A null prototype, so that a client key "__proto__" is copied as data (see buildUpstreamChatBody).
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(body)) {
    if (isGatewayExtension(key)) continue;
    out[key] = key === 'model' ? upstreamModel : value;
  }
  return JSON.stringify(out);
}

export const responsesPassThrough: PassThroughCodec = {
  buildRequest: (body, upstreamModel) => ({
    path: RESPONSES_PATH,
    body: buildUpstreamResponsesBody(body, upstreamModel),
    headers: { 'content-type': 'application/json' },
  }),
  usageFromResponse,
  streamRelay: () => new ResponsesStreamRelay(),
  storedIdsFromResponse,
  storedReferences,
};

/**
 * What a later request may name of this answer: the response's id (`previous_response_id`) and its output
 * items' ids (`item_reference`, which @ai-sdk/openai sends for earlier turns unless `store` is false).
 */
export function storedIdsFromResponse(json: unknown): string[] {
  if (!isRecord(json) || typeof json.id !== 'string') return [];
  const items = Array.isArray(json.output) ? json.output : [];
  return [
    json.id,
    ...items.flatMap((item: unknown) =>
      isRecord(item) && typeof item.id === 'string' ? [item.id] : [],
    ),
  ];
}

/** The stored state a request names: its `previous_response_id` and the ids of its `item_reference` items. */
export function storedReferences(body: Record<string, unknown>): string[] {
  const refs = typeof body.previous_response_id === 'string' ? [body.previous_response_id] : [];
  if (Array.isArray(body.input)) {
    for (const item of body.input) {
      if (isRecord(item) && item.type === 'item_reference' && typeof item.id === 'string') {
        refs.push(item.id);
      }
    }
  }
  return refs;
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Forwards each event as its `event:` / `data:` pair, unchanged. Only the terminal events are parsed (the
 * event name says which; a server that sends no names gets every event parsed), for their usage and to know
 * the upstream finished: a stream that stops before one was cut off.
 */
export class ResponsesStreamRelay implements PassThroughRelay {
  private lastUsage: TokenUsage | null = null;
  private done = false;
  private stored: string[] = [];

  get usage(): TokenUsage | null {
    return this.lastUsage;
  }

  get storedIds(): readonly string[] {
    return this.stored;
  }

  get complete(): boolean {
    return this.done;
  }

  push(eventName: string | null, data: string): string {
    if (eventName === null || TERMINAL.has(eventName)) this.read(data);
    return sseEvent(eventName, data);
  }

  end(): string {
    return '';
  }

  private read(data: string): void {
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (!isRecord(event) || typeof event.type !== 'string' || !TERMINAL.has(event.type)) return;
    this.done = true;
    this.stored = storedIdsFromResponse(event.response);
    const usage = usageFromResponse(event.response);
    if (usage !== null) this.lastUsage = usage;
  }
}

/** One SSE event; data with line breaks gets one `data:` line per line, as SSE requires. */
function sseEvent(eventName: string | null, data: string): string {
  const lines = data.replace(/^/gm, 'data: ');
  return eventName === null ? `${lines}\n\n` : `event: ${eventName}\n${lines}\n\n`;
}
