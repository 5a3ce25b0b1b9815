// Validation of `POST /v1/responses` with the real API's rules and error texts, and the translation of a valid
// request into the chat shape, so one responder answers both the Chat Completions and the Responses API.
import {
  invalidRequest,
  invalidType,
  invalidValue,
  itemNotFound,
  missingParameter,
  noToolCallForOutput,
  previousResponseNotFound,
  unknownParameter,
} from './fake-openai.errors';
import type {
  ChatContentPart,
  ChatMessage,
  ChatRequestBody,
  ResponseInputItem,
  ResponsesRequestBody,
} from './fake-openai.types';
import { isRecord } from './fake-openai.validation';

/** Unlike Chat Completions, the Responses API answers an unknown top-level parameter with a 400. */
const KNOWN_PARAMETERS = new Set([
  'model',
  'input',
  'instructions',
  'previous_response_id',
  'conversation',
  'prompt',
  'stream',
  'stream_options',
  'store',
  'background',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'max_tool_calls',
  'temperature',
  'top_p',
  'top_logprobs',
  'text',
  'reasoning',
  'include',
  'metadata',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'service_tier',
  'truncation',
  // Sent by Codex CLI (0.169) on every request to api.openai.com, so the real API takes it.
  'client_metadata',
]);
const ITEM_TYPES = [
  'message',
  'function_call',
  'function_call_output',
  'reasoning',
  'item_reference',
  'custom_tool_call',
  'custom_tool_call_output',
  'file_search_call',
  'web_search_call',
  'computer_call',
  'computer_call_output',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
] as const;
const ROLES = ['user', 'assistant', 'system', 'developer'] as const;
/** The list the API quotes when a content part has a type it does not know (e.g. chat's `text`). */
const PART_TYPES = [
  'input_text',
  'input_image',
  'output_text',
  'refusal',
  'input_file',
  'computer_screenshot',
  'summary_text',
] as const;
const INPUT_PART_TYPES = ['input_text', 'input_image', 'input_file'] as const;
const OUTPUT_PART_TYPES = ['output_text', 'refusal'] as const;
const MIN_OUTPUT_TOKENS = 16;

/**
 * What this organisation stored (requests with `store` not false): each response's conversation (its input
 * items, references resolved, then its output items), and each output item by id.
 */
export interface StoredState {
  response(id: string): readonly ResponseInputItem[] | undefined;
  item(id: string): ResponseInputItem | undefined;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function requireString(item: Record<string, unknown>, field: string, param: string): string {
  const value = item[field];
  if (!isSet(value)) throw missingParameter(`${param}.${field}`);
  if (typeof value !== 'string') throw invalidType(`${param}.${field}`, 'a string', value);
  return value;
}

function checkParts(parts: unknown[], role: string, param: string): void {
  const allowed: readonly string[] = role === 'assistant' ? OUTPUT_PART_TYPES : INPUT_PART_TYPES;
  parts.forEach((part, j) => {
    const partParam = `${param}[${j}]`;
    if (!isRecord(part)) throw invalidType(partParam, 'an object', part);
    if (!isSet(part.type)) throw missingParameter(`${partParam}.type`);
    if (typeof part.type !== 'string' || !(PART_TYPES as readonly string[]).includes(part.type)) {
      throw invalidValue(`${partParam}.type`, part.type, PART_TYPES);
    }
    if (!allowed.includes(part.type)) throw invalidValue(`${partParam}.type`, part.type, allowed);
    if (part.type === 'input_text' || part.type === 'output_text') {
      requireString(part, 'text', partParam);
    }
  });
}

function checkMessage(item: Record<string, unknown>, param: string): void {
  const role = item.role;
  if (!isSet(role)) throw missingParameter(`${param}.role`);
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw invalidValue(`${param}.role`, role, ROLES);
  }
  const content = item.content;
  if (!isSet(content)) throw missingParameter(`${param}.content`);
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) {
    throw invalidType(`${param}.content`, 'one of a string or array of objects', content);
  }
  checkParts(content, role, `${param}.content`);
}

/**
 * Checks every item, an `item_reference` replaced by the item it names; a function_call_output must answer a
 * call made earlier in this input or in the previous response.
 */
function checkItems(
  items: unknown[],
  earlier: readonly ResponseInputItem[],
  stored: StoredState,
): ResponseInputItem[] {
  const callIds = new Set(
    earlier.flatMap((item) =>
      item.type === 'function_call' && item.call_id ? [item.call_id] : [],
    ),
  );
  return items.map((given, i): ResponseInputItem => {
    const param = `input[${i}]`;
    if (!isRecord(given)) throw invalidType(param, 'an object', given);
    let item: ResponseInputItem = given;
    const type = item.type ?? 'message';
    if (typeof type !== 'string' || !(ITEM_TYPES as readonly string[]).includes(type)) {
      throw invalidValue(`${param}.type`, type, ITEM_TYPES);
    }
    if (type === 'item_reference') {
      const id = requireString(given, 'id', param);
      item = stored.item(id) ?? throwError(itemNotFound(id));
    }
    switch (item.type ?? 'message') {
      case 'message':
        checkMessage(item, param);
        break;
      case 'function_call':
        callIds.add(requireString(item, 'call_id', param));
        requireString(item, 'name', param);
        requireString(item, 'arguments', param);
        break;
      case 'function_call_output': {
        const callId = requireString(item, 'call_id', param);
        if (!isSet(item.output)) throw missingParameter(`${param}.output`);
        if (!callIds.has(callId)) throw noToolCallForOutput(callId);
        break;
      }
      default:
        break;
    }
    return item;
  });
}

function throwError(error: Error): never {
  throw error;
}

/** The input as items, references resolved, after the previous response's conversation. */
function checkInput(
  record: Record<string, unknown>,
  earlier: readonly ResponseInputItem[],
  stored: StoredState,
): ResponseInputItem[] {
  const input = record.input;
  if (!isSet(input)) throw missingParameter('input');
  if (typeof input === 'string') {
    return [...earlier, { type: 'message', role: 'user', content: input }];
  }
  if (!Array.isArray(input)) {
    throw invalidType('input', 'one of a string or array of input items', input);
  }
  if (input.length === 0) {
    throw invalidRequest(
      "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'input',
      'empty_array',
    );
  }
  return [...earlier, ...checkItems(input, earlier, stored)];
}

/** Function tools are flat here (`{type, name, parameters}`), not nested under `function` as in chat. */
function checkTools(record: Record<string, unknown>): void {
  const tools = record.tools;
  if (!isSet(tools)) return;
  if (!Array.isArray(tools)) throw invalidType('tools', 'an array of objects', tools);
  tools.forEach((tool: unknown, i) => {
    const param = `tools[${i}]`;
    if (!isRecord(tool)) throw invalidType(param, 'an object', tool);
    if (!isSet(tool.type)) throw missingParameter(`${param}.type`);
    if (tool.type === 'function' || tool.type === 'custom') requireString(tool, 'name', param);
  });
}

function checkPreviousResponse(
  record: Record<string, unknown>,
  stored: StoredState,
): readonly ResponseInputItem[] {
  const id = record.previous_response_id;
  if (!isSet(id)) return [];
  if (typeof id !== 'string') throw invalidType('previous_response_id', 'a string', id);
  if (!id.startsWith('resp')) {
    throw invalidRequest(
      `Invalid 'previous_response_id': '${id}'. Expected an ID that begins with 'resp'.`,
      'previous_response_id',
      'invalid_value',
    );
  }
  const conversation = stored.response(id);
  if (!conversation) throw previousResponseNotFound(id);
  return conversation;
}

/**
 * Validates a `POST /v1/responses` body; throws a FakeApiError carrying the API's 400 (404 for an unknown item).
 * What it returns has the whole conversation in `input`: the previous response's, then the request's items,
 * references replaced by what they name.
 */
export function validateResponsesRequest(body: unknown, stored: StoredState): ResponsesRequestBody {
  if (!isRecord(body)) throw invalidType('body', 'an object', body);
  const unknown = Object.keys(body).find((key) => !KNOWN_PARAMETERS.has(key));
  if (unknown !== undefined) throw unknownParameter(unknown);
  const model = body.model;
  if (!isSet(model) || model === '') throw missingParameter('model');
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  const earlier = checkPreviousResponse(body, stored);
  const input = checkInput(body, earlier, stored);
  if (isSet(body.instructions) && typeof body.instructions !== 'string') {
    throw invalidType('instructions', 'a string', body.instructions);
  }
  if (isSet(body.stream) && typeof body.stream !== 'boolean') {
    throw invalidType('stream', 'a boolean', body.stream);
  }
  const maxOutput = body.max_output_tokens;
  if (isSet(maxOutput)) {
    if (typeof maxOutput !== 'number' || !Number.isInteger(maxOutput)) {
      throw invalidType('max_output_tokens', 'an integer', maxOutput);
    }
    if (maxOutput < MIN_OUTPUT_TOKENS) {
      throw invalidRequest(
        `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= ${MIN_OUTPUT_TOKENS}, but got ${maxOutput} instead.`,
        'max_output_tokens',
        'integer_below_min_value',
      );
    }
  }
  checkTools(body);
  // Every field ResponsesRequestBody declares was checked above, so the narrowing is earned, not assumed.
  return { ...(body as ResponsesRequestBody), input };
}

function partsToChat(content: unknown): string | ChatContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.filter(isRecord).map((part): ChatContentPart => {
    return typeof part.text === 'string'
      ? { type: 'text', text: part.text }
      : { ...part, type: String(part.type) };
  });
}

function itemToChat(item: ResponseInputItem): ChatMessage | null {
  switch (item.type ?? 'message') {
    case 'message':
      return { role: item.role as ChatMessage['role'], content: partsToChat(item.content) };
    case 'function_call':
      return {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: item.call_id ?? '',
            type: 'function',
            function: { name: item.name ?? '', arguments: item.arguments ?? '' },
          },
        ],
      };
    case 'function_call_output':
      return {
        role: 'tool',
        tool_call_id: item.call_id ?? '',
        content: typeof item.output === 'string' ? item.output : JSON.stringify(item.output),
      };
    default:
      return null;
  }
}

/** The request as the chat responder sees it: instructions first, then the input items as messages. */
export function toChatRequest(request: ResponsesRequestBody): ChatRequestBody {
  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  if (typeof request.input === 'string') {
    messages.push({ role: 'user', content: request.input });
  } else {
    for (const item of request.input) {
      const message = itemToChat(item);
      if (message) messages.push(message);
    }
  }
  const tools = (request.tools ?? []).filter(isRecord).map((tool) => {
    if (tool.type !== 'function') return tool;
    const { type, ...definition } = tool;
    return { type, function: definition };
  });
  return {
    model: request.model,
    messages,
    stream: request.stream ?? null,
    max_completion_tokens: request.max_output_tokens ?? null,
    ...(request.tools ? { tools } : {}),
  };
}
