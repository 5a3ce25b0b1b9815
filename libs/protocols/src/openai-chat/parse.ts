// Edge validation of a Chat Completions request body, with OpenAI's own 400 messages, params and codes, and the
// upstream body built from it. Only what the gateway must read or what the real API rejects outright is checked
// here; every other field is the upstream's business and passes through untouched.
import type { ProtocolError } from '../errors';
import { isRecord } from '../json';
import { CHAT_ROLES, GATEWAY_EXTENSION_FIELDS, type ChatRequestView } from './types';

export type ParsedChatRequest =
  | { ok: true; view: ChatRequestView; body: Record<string, unknown> }
  | { ok: false; error: ProtocolError };

type Check<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

function invalid(
  message: string,
  param: string | null,
  code: string | null,
): { ok: false; error: ProtocolError } {
  return { ok: false, error: { status: 400, type: 'invalid_request_error', code, param, message } };
}

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

/** How OpenAI's messages name a JSON value's type: "got a string instead". */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a decimal number';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function wrongType(
  param: string,
  expected: string,
  value: unknown,
): { ok: false; error: ProtocolError } {
  return invalid(
    `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`,
    param,
    'invalid_type',
  );
}

/** Absent and `null` are the same for optional fields: the API schema marks them nullable and SDKs send null. */
function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
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
  if (isAbsent(messages)) {
    return invalid(
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    );
  }
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
    if (isAbsent(role)) {
      return invalid(
        `Missing required parameter: '${param}.role'.`,
        `${param}.role`,
        'missing_required_parameter',
      );
    }
    if (typeof role !== 'string') return wrongType(`${param}.role`, 'a string', role);
    if (!(CHAT_ROLES as readonly string[]).includes(role)) {
      const supported = CHAT_ROLES.map((r) => `'${r}'`);
      return invalid(
        `Invalid value: '${role}'. Supported values are: ${supported.slice(0, -1).join(', ')}, and ${supported.at(-1)}.`,
        `${param}.role`,
        'invalid_value',
      );
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

function checkPositiveInteger(param: string, value: unknown): Check<number | null> {
  if (isAbsent(value)) return { ok: true, value: null };
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return wrongType(param, 'an integer', value);
  }
  if (value < 1) {
    return invalid(
      `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
      param,
      'integer_below_min_value',
    );
  }
  return { ok: true, value };
}

function checkModelList(param: string, value: unknown): Check<string[]> {
  if (isAbsent(value)) return { ok: true, value: [] };
  if (!Array.isArray(value)) return wrongType(param, 'an array of strings', value);
  const models: string[] = [];
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'string') return wrongType(`${param}[${i}]`, 'a string', item);
    if (item === '') {
      return invalid(
        `Invalid '${param}[${i}]': empty string. Expected a string with minimum length 1, but got an empty string instead.`,
        `${param}[${i}]`,
        'empty_string',
      );
    }
    models.push(item);
  }
  return { ok: true, value: models };
}

const EXTENSIONS: ReadonlySet<string> = new Set(GATEWAY_EXTENSION_FIELDS);

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
    if (EXTENSIONS.has(key)) continue;
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
