// Anthropic Messages on both sides: the client's body goes upstream with only `model` mapped and the gateway's
// extensions removed, and the answer comes back byte for byte with only usage read out. Everything else the
// client sent (`cache_control`, `thinking`, `metadata`, `context_management`, betas' fields, fields newer than
// this code) reaches the upstream untouched, in its order.
import type { PassThroughCodec, PassThroughRelay } from '../hub/protocol-adapter';
import { isRelayedSignature } from '../hub/thought-signature';
import { isRecord } from '../json';
import { isGatewayExtension } from '../hub/gateway-extensions';
import type { TokenUsage } from '../usage';
import { MESSAGES_PATH } from './types';
import { AnthropicUsageCounter, usageFromMessage } from './usage';

export const messagesPassThrough: PassThroughCodec = {
  // The client's `stream` field is already in the body and decides the answer's shape; nothing to add.
  buildRequest: (body, upstreamModel) => ({
    path: MESSAGES_PATH,
    body: buildUpstreamMessagesBody(body, upstreamModel),
    headers: { 'content-type': 'application/json' },
  }),
  usageFromResponse: usageFromMessage,
  streamRelay: () => new MessagesPassThroughRelay(),
};

/**
 * The JSON sent upstream: the client's object with `model` replaced in place and the gateway extensions
 * (`models`, `fallbacks`, `provider`) removed. Values are re-serialised from the parsed body, so they are
 * byte-identical as far as JSON.parse / JSON.stringify round-trips (`1.0` comes out as `1`, escapes normalised).
 */
export function buildUpstreamMessagesBody(
  body: Record<string, unknown>,
  upstreamModel: string,
): string {
  // A null prototype, so that a client key "__proto__" (an own property after JSON.parse) is copied as data
  // instead of hitting the Object.prototype setter.
  const out = Object.create(null) as Record<string, unknown>;
  const messages = withoutRelayedThinking(body.messages);
  for (const [key, value] of Object.entries(body)) {
    if (isGatewayExtension(key)) continue;
    out[key] =
      key === 'model'
        ? upstreamModel
        : key === 'messages'
          ? foldSystemMessages(messages.messages)
          : value;
  }
  if (!('model' in out)) out.model = upstreamModel;
  // Without the dropped block the API would refuse thinking on (the last tool turn must start with one).
  if (messages.lastToolTurnUnsigned && isRecord(out.thinking)) delete out.thinking;
  return JSON.stringify(out);
}

/**
 * A conversation that went through another provider earlier carries that provider's signatures relayed in
 * thinking blocks (hub/thought-signature.ts); Claude refuses them ("Invalid `signature` in `thinking` block"),
 * so such blocks are dropped, as the hub's translation drops another provider's reasoning. Messages without one
 * come back as they were, so the body stays byte-identical.
 */
function withoutRelayedThinking(messages: unknown): {
  messages: unknown;
  lastToolTurnUnsigned: boolean;
} {
  const relayed = (block: unknown): boolean =>
    isRecord(block) &&
    block.type === 'thinking' &&
    typeof block.signature === 'string' &&
    isRelayedSignature(block.signature);
  if (
    !Array.isArray(messages) ||
    !messages.some((m) => isRecord(m) && Array.isArray(m.content) && m.content.some(relayed))
  ) {
    return { messages, lastToolTurnUnsigned: false };
  }
  const kept = messages.map((m: unknown) =>
    isRecord(m) && Array.isArray(m.content)
      ? { ...m, content: m.content.filter((b: unknown) => !relayed(b)) }
      : m,
  );
  const last = kept.findLast((m) => isRecord(m) && m.role === 'assistant') as
    { content?: unknown } | undefined;
  const blocks = Array.isArray(last?.content) ? (last.content as unknown[]) : [];
  const first = blocks[0];
  const calls = blocks.some((b) => isRecord(b) && b.type === 'tool_use');
  const startsWithThinking =
    isRecord(first) && (first.type === 'thinking' || first.type === 'redacted_thinking');
  return { messages: kept, lastToolTurnUnsigned: calls && !startsWithThinking };
}

/**
 * Claude Code sends a `role: "system"` message in the middle of the conversation for model names it does not
 * know; the Messages API refuses that role. Its text is folded, as text blocks, into the start of the next user
 * message (the previous one when it is last), the same place the hub's translation puts it. Messages without
 * such a role are returned as they came, so the body stays byte-identical.
 */
export function foldSystemMessages(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  const isSystem = (m: unknown) => isRecord(m) && m['role'] === 'system';
  if (!messages.some(isSystem)) return messages;
  const blocksOf = (content: unknown): unknown[] =>
    typeof content === 'string'
      ? [{ type: 'text', text: content }]
      : Array.isArray(content)
        ? content
        : [];
  const out: Record<string, unknown>[] = [];
  let pending: unknown[] = [];
  for (const message of messages) {
    if (!isRecord(message)) continue;
    if (isSystem(message)) {
      pending.push(...blocksOf(message['content']));
    } else if (pending.length > 0 && message['role'] === 'user') {
      out.push({ ...message, content: [...pending, ...blocksOf(message['content'])] });
      pending = [];
    } else {
      out.push(message);
    }
  }
  if (pending.length > 0) {
    const lastUser = out.map((m) => m['role']).lastIndexOf('user');
    if (lastUser >= 0) {
      out[lastUser] = {
        ...out[lastUser],
        content: [...blocksOf(out[lastUser]['content']), ...pending],
      };
    } else {
      out.push({ role: 'user', content: pending });
    }
  }
  return out;
}

/** The events that carry usage or end the stream; the others (deltas, the bulk of a stream) are not parsed. */
const READ_EVENTS: ReadonlySet<string> = new Set([
  'message_start',
  'message_delta',
  'message_stop',
]);

/**
 * Relays an upstream Messages stream event by event, never re-serialised: each event goes out as
 * `event: <name>` and its data exactly as received. Usage comes from `message_start` (the prompt) and
 * `message_delta` (the final output count, and the prompt again in the current API); `complete` once
 * `message_stop` is seen, so a stream that stops before it was cut off.
 */
export class MessagesPassThroughRelay implements PassThroughRelay {
  private readonly counter = new AnthropicUsageCounter();
  private done = false;

  push(eventName: string | null, data: string): string {
    if (eventName === null || READ_EVENTS.has(eventName)) this.read(data);
    const dataLines = data.replace(/^/gm, 'data: ');
    return eventName === null ? `${dataLines}\n\n` : `event: ${eventName}\n${dataLines}\n\n`;
  }

  end(): string {
    return '';
  }

  get usage(): TokenUsage | null {
    return this.counter.usage;
  }

  get complete(): boolean {
    return this.done;
  }

  private read(data: string): void {
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return; // not ours to judge: forwarded as the upstream sent it
    }
    if (!isRecord(event)) return;
    switch (event.type) {
      case 'message_start':
        if (isRecord(event.message)) this.counter.add(event.message.usage);
        break;
      case 'message_delta':
        this.counter.add(event.usage);
        break;
      case 'message_stop':
        this.done = true;
        break;
      default:
        break;
    }
  }
}
