// Edge validation of a Chat Completions request body, with OpenAI's own 400 messages, params and codes, and the
// upstream body built from it. Only what the gateway must read or what the real API rejects outright is checked
// here; every other field is the upstream's business and passes through untouched.
import type { ProtocolError } from '../errors';
import { isAbsent, isRecord } from '../json';
import {
  checkModelList,
  checkPositiveInteger,
  describe,
  invalid,
  invalidValue,
  missing,
  wrongType,
  type Check,
} from '../openai-base/checks';
import { isGatewayExtension } from '../hub/gateway-extensions';
import { CHAT_ROLES, type ChatRequestView } from './types';

export type ParsedChatRequest =
  | { ok: true; view: ChatRequestView; body: Record<string, unknown> }
  | { ok: false; error: ProtocolError };

/** For a body that is not JSON at all; the ingress answers with it before `parseChatRequest` is reached. */
export function chatInvalidJsonError(): ProtocolError {
  return {
    status: 400,
    type: 'invalid_request_error',
    code: null,
    param: null,
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
      'library correctly. The API expects a JSON payload, but what was sent was not valid JSON.)',
  };
}

export function parseChatRequest(body: unknown): ParsedChatRequest {
  if (!isRecord(body)) {
    return invalid(
      `Invalid type for request body: expected an object, but got ${describe(body)} instead.`,
      null,
      'invalid_type',
    );
  }

  const model = body.model;
  if (isAbsent(model) || model === '') {
    // OpenAI itself sends param null here; naming the field costs nothing and helps the caller.
    return invalid('you must provide a model parameter', 'model', null);
  }
  if (typeof model !== 'string') return wrongType('model', 'a string', model);

  const messages = checkMessages(body.messages);
  if (!messages.ok) return messages;

  const stream = body.stream;
  if (!isAbsent(stream) && typeof stream !== 'boolean') {
    return wrongType('stream', 'a boolean', stream);
  }

  const includeUsage = checkIncludeUsage(body.stream_options);
  if (!includeUsage.ok) return includeUsage;

  const maxTokens = checkPositiveInteger('max_tokens', body.max_tokens);
  if (!maxTokens.ok) return maxTokens;
  const maxCompletionTokens = checkPositiveInteger(
    'max_completion_tokens',
    body.max_completion_tokens,
  );
  if (!maxCompletionTokens.ok) return maxCompletionTokens;

  const models = checkModelList('models', body.models);
  if (!models.ok) return models;
  const fallbacks = checkModelList('fallbacks', body.fallbacks);
  if (!fallbacks.ok) return fallbacks;

  const fallbackModels = [...new Set([...models.value, ...fallbacks.value])].filter(
    (m) => m !== model,
  );
  const streaming = stream === true;
  return {
    ok: true,
    body,
    view: {
      model,
      stream: streaming,
      includeUsage: streaming && includeUsage.value,
      maxTokens: maxCompletionTokens.value ?? maxTokens.value,
      fallbackModels,
    },
  };
}

function checkMessages(messages: unknown): Check<null> {
  if (isAbsent(messages)) return missing('messages');
  if (!Array.isArray(messages)) return wrongType('messages', 'an array', messages);
  if (messages.length === 0) {
    return invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  for (const [i, message] of messages.entries()) {
    const param = `messages[${i}]`;
    if (!isRecord(message)) return wrongType(param, 'an object', message);
    const role = message.role;
    if (isAbsent(role)) return missing(`${param}.role`);
    if (typeof role !== 'string') return wrongType(`${param}.role`, 'a string', role);
    if (!(CHAT_ROLES as readonly string[]).includes(role)) {
      return invalidValue(`${param}.role`, role, CHAT_ROLES);
    }
  }
  return { ok: true, value: null };
}

function checkIncludeUsage(streamOptions: unknown): Check<boolean> {
  if (isAbsent(streamOptions)) return { ok: true, value: false };
  if (!isRecord(streamOptions)) return wrongType('stream_options', 'an object', streamOptions);
  const includeUsage = streamOptions.include_usage;
  if (isAbsent(includeUsage)) return { ok: true, value: false };
  if (typeof includeUsage !== 'boolean') {
    return wrongType('stream_options.include_usage', 'a boolean', includeUsage);
  }
  return { ok: true, value: includeUsage };
}

/**
 * The JSON sent upstream: the client's object with `model` replaced in place, the gateway extensions removed
 * and, for streams, `stream_options.include_usage: true` forced so that usage is always metered (the relay hides
 * the usage chunk again from a client that did not ask for it). Every other field keeps its position and value.
 */
export function buildUpstreamChatBody(
  body: Record<string, unknown>,
  upstreamModel: string,
  view: ChatRequestView,
): string {
  // A null prototype, so that a client key "__proto__" (an own property after JSON.parse) is copied as data
  // instead of hitting the Object.prototype setter.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(body)) {
    if (isGatewayExtension(key)) continue;
    if (key === 'model') out[key] = upstreamModel;
    else if (key === 'stream_options' && view.stream) out[key] = withIncludeUsage(value);
    else out[key] = value;
  }
  if (view.stream && !('stream_options' in out)) out.stream_options = { include_usage: true };
  return JSON.stringify(out);
}

function withIncludeUsage(streamOptions: unknown): Record<string, unknown> {
  return isRecord(streamOptions)
    ? { ...streamOptions, include_usage: true }
    : { include_usage: true };
}
