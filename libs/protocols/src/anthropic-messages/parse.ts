// Edge validation of a Messages API request body: the top-level fields the gateway must read to route and meter
// a request (model, max_tokens, messages, stream), with the API's own 400 messages. The deep walk of messages,
// system, tools and the rest happens in `to-hub.ts`, which validates what it translates with the same wording.
//
// Deliberately more lenient than the API in two ways, so that a same-format pass-through keeps working when the
// API grows: unknown top-level fields are not "Extra inputs are not permitted" (new parameters and betas reach
// the upstream, which judges them), and `role: 'system'` messages are accepted (Claude Code sends one in the
// middle of a conversation for model names it does not know; translation turns it into a hub system message).
import { rejectionToResult, type ProtocolError } from '../errors';
import { isRecord } from '../json';
import {
  invalidRequest,
  readInteger,
  readList,
  readOptionalBoolean,
  readString,
  reject,
} from './checks';

/** What routing, limits and accounting need from a validated request. */
export interface MessagesRequestView {
  model: string;
  maxTokens: number;
  stream: boolean;
}

export type ParsedMessagesRequest =
  | { ok: true; view: MessagesRequestView; body: Record<string, unknown> }
  | { ok: false; error: ProtocolError };

/** For a body that is not JSON at all, in the API's wording. */
export function messagesInvalidJsonError(): ProtocolError {
  return invalidRequest(
    'There was an error parsing the body of your request. Please ensure your body is valid JSON.',
    null,
  );
}

export function parseMessagesRequest(body: unknown): ParsedMessagesRequest {
  if (!isRecord(body)) {
    return { ok: false, error: invalidRequest('Input should be a valid dictionary', null) };
  }
  const result = rejectionToResult(() => readView(body));
  return result.ok ? { ok: true, view: result.value, body } : result;
}

function readView(body: Record<string, unknown>): MessagesRequestView {
  const model = readString(body.model, 'model');
  if (model === '') reject('model', 'String should have at least 1 character');
  const maxTokens = readInteger(body.max_tokens, 'max_tokens', 1);
  const messages = readList(body.messages, 'messages');
  if (messages.length === 0) reject('messages', 'at least one message is required');
  const stream = readOptionalBoolean(body.stream, 'stream') ?? false;
  return { model, maxTokens, stream };
}
