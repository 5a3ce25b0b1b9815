// Request validation with the real API's rules and error texts, so a request our gateway builds badly is
// rejected here exactly as OpenAI would reject it in production, instead of being answered by a lenient fake.
import type { ChatRequestBody } from './fake-openai.types';
import {
  FakeApiError,
  invalidRequest,
  invalidType,
  invalidValue,
  missingParameter,
} from './fake-openai.errors';

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'] as const;
const USER_PART_TYPES = ['text', 'image_url', 'input_audio', 'file'] as const;
const TEXT_PART_TYPES = ['text'] as const;
const ASSISTANT_PART_TYPES = ['text', 'refusal'] as const;
const ENCODING_FORMATS = ['float', 'base64'] as const;

export interface EmbeddingsRequest {
  model: string;
  /** One entry per input: either text or token ids, as the API accepts both. */
  inputs: (string | number[])[];
  encodingFormat: 'float' | 'base64';
  dimensions: number | undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObjectBody(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw invalidType('body', 'an object', body);
  return body;
}

function requireModel(body: Record<string, unknown>): string {
  const model = body.model;
  if (model === undefined || model === null || model === '') {
    throw invalidRequest('you must provide a model parameter');
  }
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  return model;
}

/** Absent and null are both "not set" for OpenAI's optional parameters. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function checkPositiveInteger(body: Record<string, unknown>, param: string): void {
  const value = body[param];
  if (!isSet(value)) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidType(param, 'an integer', value);
  }
  if (value < 1) {
    throw invalidRequest(
      `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
      param,
      'integer_below_min_value',
    );
  }
}

function checkContentParts(parts: unknown[], param: string, allowedTypes: readonly string[]): void {
  if (parts.length === 0) {
    throw invalidRequest(
      `Invalid '${param}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
      param,
      'empty_array',
    );
  }
  parts.forEach((part, j) => {
    const partParam = `${param}[${j}]`;
    if (!isRecord(part)) throw invalidType(partParam, 'an object', part);
    if (!isSet(part.type)) throw missingParameter(`${partParam}.type`);
    if (typeof part.type !== 'string' || !allowedTypes.includes(part.type)) {
      throw invalidValue(`${partParam}.type`, part.type, allowedTypes);
    }
    if (part.type === 'text') {
      if (!isSet(part.text)) throw missingParameter(`${partParam}.text`);
      if (typeof part.text !== 'string') {
        throw invalidType(`${partParam}.text`, 'a string', part.text);
      }
    }
  });
}

function checkContent(
  content: unknown,
  param: string,
  allowedTypes: readonly string[],
  required: boolean,
): void {
  if (!isSet(content)) {
    if (required) throw missingParameter(param);
    return;
  }
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) {
    throw invalidType(param, 'one of a string or array of objects', content);
  }
  checkContentParts(content, param, allowedTypes);
}

function checkToolCalls(toolCalls: unknown, param: string): string[] {
  if (!Array.isArray(toolCalls)) throw invalidType(param, 'an array of objects', toolCalls);
  return toolCalls.map((call, k) => {
    const callParam = `${param}[${k}]`;
    if (!isRecord(call)) throw invalidType(callParam, 'an object', call);
    if (!isSet(call.id)) throw missingParameter(`${callParam}.id`);
    if (typeof call.id !== 'string') throw invalidType(`${callParam}.id`, 'a string', call.id);
    if (!isSet(call.type)) throw missingParameter(`${callParam}.type`);
    if (call.type !== 'function' && call.type !== 'custom') {
      throw invalidValue(`${callParam}.type`, call.type, ['function', 'custom']);
    }
    if (call.type === 'function') {
      const fn = call.function;
      if (!isSet(fn)) throw missingParameter(`${callParam}.function`);
      if (!isRecord(fn)) throw invalidType(`${callParam}.function`, 'an object', fn);
      if (typeof fn.name !== 'string') throw missingParameter(`${callParam}.function.name`);
      if (typeof fn.arguments !== 'string') {
        throw missingParameter(`${callParam}.function.arguments`);
      }
    }
    return call.id;
  });
}

/**
 * The API insists that an assistant message with tool_calls is followed by one tool message per call id, and
 * that every tool message answers such a call. Translating other formats into OpenAI's often breaks this.
 */
function checkToolMessageOrder(messages: Record<string, unknown>[]): void {
  let openCalls: { index: number; pending: Set<string> } | null = null;
  const closeBlock = (): void => {
    if (openCalls && openCalls.pending.size > 0) {
      throw invalidRequest(
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each " +
          "'tool_call_id'. The following tool_call_ids did not have response messages: " +
          [...openCalls.pending].join(', '),
        `messages.[${openCalls.index}].role`,
      );
    }
    openCalls = null;
  };
  messages.forEach((message, i) => {
    if (message.role === 'tool') {
      const id = message.tool_call_id;
      if (!openCalls || typeof id !== 'string' || !openCalls.pending.delete(id)) {
        throw invalidRequest(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with " +
            "'tool_calls'.",
          `messages.[${i}].role`,
        );
      }
      return;
    }
    closeBlock();
    if (message.role === 'assistant' && Array.isArray(message.tool_calls)) {
      const ids = message.tool_calls.map((call) => (isRecord(call) ? String(call.id) : ''));
      if (ids.length > 0) openCalls = { index: i, pending: new Set(ids) };
    }
  });
  closeBlock();
}

function checkMessages(body: Record<string, unknown>): void {
  const messages = body.messages;
  if (!isSet(messages)) throw missingParameter('messages');
  if (!Array.isArray(messages)) throw invalidType('messages', 'an array of objects', messages);
  if (messages.length === 0) throw invalidRequest("[] is too short - 'messages'", 'messages');
  const checked = messages.map((message: unknown, i): Record<string, unknown> => {
    const param = `messages[${i}]`;
    if (!isRecord(message)) throw invalidType(param, 'an object', message);
    const role = message.role;
    if (!isSet(role)) throw missingParameter(`${param}.role`);
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw invalidValue(`${param}.role`, role, ROLES);
    }
    const content = `${param}.content`;
    switch (role) {
      case 'system':
      case 'developer':
        checkContent(message.content, content, TEXT_PART_TYPES, true);
        break;
      case 'user':
        checkContent(message.content, content, USER_PART_TYPES, true);
        break;
      case 'assistant': {
        const hasCalls = isSet(message.tool_calls) || isSet(message.function_call);
        if (isSet(message.tool_calls)) checkToolCalls(message.tool_calls, `${param}.tool_calls`);
        if (!isSet(message.content) && !hasCalls) {
          throw invalidRequest(
            "Invalid value for 'content': expected a string, got null.",
            `messages.[${i}].content`,
          );
        }
        checkContent(message.content, content, ASSISTANT_PART_TYPES, false);
        break;
      }
      case 'tool':
        checkContent(message.content, content, TEXT_PART_TYPES, true);
        if (!isSet(message.tool_call_id)) throw missingParameter(`${param}.tool_call_id`);
        if (typeof message.tool_call_id !== 'string') {
          throw invalidType(`${param}.tool_call_id`, 'a string', message.tool_call_id);
        }
        break;
      case 'function':
        if (typeof message.name !== 'string') throw missingParameter(`${param}.name`);
        break;
    }
    return message;
  });
  checkToolMessageOrder(checked);
}

function checkTools(body: Record<string, unknown>): void {
  const tools = body.tools;
  if (!isSet(tools)) return;
  if (!Array.isArray(tools)) throw invalidType('tools', 'an array of objects', tools);
  tools.forEach((tool: unknown, i) => {
    const param = `tools[${i}]`;
    if (!isRecord(tool)) throw invalidType(param, 'an object', tool);
    if (!isSet(tool.type)) throw missingParameter(`${param}.type`);
    if (tool.type !== 'function' && tool.type !== 'custom') {
      throw invalidValue(`${param}.type`, tool.type, ['function', 'custom']);
    }
    const definition = tool.type === 'function' ? tool.function : tool.custom;
    const key = `${param}.${String(tool.type)}`;
    if (!isSet(definition)) throw missingParameter(key);
    if (!isRecord(definition)) throw invalidType(key, 'an object', definition);
    if (typeof definition.name !== 'string') throw missingParameter(`${key}.name`);
  });
}

function checkStreamFlags(body: Record<string, unknown>): void {
  if (isSet(body.stream) && typeof body.stream !== 'boolean') {
    throw invalidType('stream', 'a boolean', body.stream);
  }
  const options = body.stream_options;
  if (!isSet(options)) return;
  if (body.stream !== true) {
    throw invalidRequest(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
    );
  }
  if (!isRecord(options)) throw invalidType('stream_options', 'an object', options);
  if (isSet(options.include_usage) && typeof options.include_usage !== 'boolean') {
    throw invalidType('stream_options.include_usage', 'a boolean', options.include_usage);
  }
}

/** Validates a `POST /v1/chat/completions` body; throws a FakeApiError carrying the API's 400. */
export function validateChatRequest(body: unknown): ChatRequestBody {
  const record = requireObjectBody(body);
  requireModel(record);
  checkMessages(record);
  checkStreamFlags(record);
  checkPositiveInteger(record, 'max_tokens');
  checkPositiveInteger(record, 'max_completion_tokens');
  checkTools(record);
  // Every field ChatRequestBody declares was checked above, so the narrowing is earned, not assumed.
  return record as ChatRequestBody;
}

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t));
}

function invalidInput(): FakeApiError {
  return invalidRequest(
    "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
  );
}

/** Validates a `POST /v1/embeddings` body: text, texts, token ids or lists of token ids, as the API takes. */
export function validateEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  const record = requireObjectBody(body);
  const model = requireModel(record);
  const input = record.input;
  if (!isSet(input)) throw missingParameter('input');
  let inputs: (string | number[])[];
  if (typeof input === 'string') {
    inputs = [input];
  } else if (Array.isArray(input)) {
    if (input.length === 0) throw invalidRequest("[] is too short - 'input'", 'input');
    if (input.every((item) => typeof item === 'string')) inputs = input;
    else if (isTokenArray(input)) inputs = [input];
    else if (input.every(isTokenArray)) inputs = input;
    else throw invalidInput();
  } else {
    throw invalidInput();
  }
  if (inputs.some((item) => item.length === 0)) throw invalidInput();

  const format = record.encoding_format;
  let encodingFormat: EmbeddingsRequest['encodingFormat'] = 'float';
  if (isSet(format)) {
    if (format !== 'float' && format !== 'base64') {
      throw invalidValue('encoding_format', format, ENCODING_FORMATS);
    }
    encodingFormat = format;
  }
  checkPositiveInteger(record, 'dimensions');
  const dimensions = typeof record.dimensions === 'number' ? record.dimensions : undefined;
  return { model, inputs, encodingFormat, dimensions };
}
