// OpenAI Chat Completions to the hub: a client's request (edge-checked by `parseChatRequest`, walked in full
// here, with OpenAI's 400s for what it cannot read) and an upstream's `chat.completion` answer.
//
// Dropped in translation (same format on both sides is a pass-through, where all of these DO reach the upstream):
// - `n`: other formats return one choice; `n` > 1 is refused (400) rather than answered with fewer choices.
// - `logprobs`, `top_logprobs`, `logit_bias`, `seed`, `presence_penalty`, `frequency_penalty`: sampling controls
//   the hub does not carry (Gemini has some, Anthropic none); the answer is still valid without them.
// - `audio`, `modalities`, `prediction`, `store`, `metadata`, `service_tier`, `web_search_options`, `verbosity`,
//   `prompt_cache_key`, `prompt_cache_retention`, `stream_options` (its include_usage travels in ClientContext):
//   OpenAI features or platform settings with no counterpart. Audio output is refused (400).
// - `image_url.detail`, `tools[].function.strict`, `response_format.json_schema.strict`/`description`: hints the
//   other formats have no field for.
// - `safety_identifier` is read as `user` when `user` is absent.
// - `reasoning_effort: 'none'` becomes no reasoning setting; `'xhigh'` becomes `'high'` (the hub's top level).
// Refused (400 `unsupported_value`, the content would silently vanish otherwise): `input_audio` and `file`
// content parts, custom tools, the legacy `functions` / `function_call` / role `function`.
import { rejectionToResult, type ProtocolError } from '../errors';
import type {
  HubMessage,
  HubPart,
  HubRequest,
  HubResponse,
  HubStopReason,
  HubTool,
  HubToolChoice,
} from '../hub/hub.types';
import { isAbsent, isCount, isRecord } from '../json';
import {
  invalid,
  readArray,
  readEnum,
  readObject,
  readOptionalBoolean,
  readOptionalNumber,
  readOptionalString,
  readString,
  reject,
  untranslatable,
  wrongType,
} from '../openai-base/checks';
import type { TokenUsage } from '../usage';
import { CHAT_ROLES, type ChatRequestView } from './types';
import { imageSource, readEffort, UpstreamResponseError } from '../openai-base/to-hub';
import { usageFromChatUsage } from './usage';

export function chatRequestToHub(
  body: Record<string, unknown>,
  view: ChatRequestView,
): { ok: true; request: HubRequest } | { ok: false; error: ProtocolError } {
  const result = rejectionToResult(() => translateRequest(body, view));
  return result.ok ? { ok: true, request: result.value } : result;
}

function translateRequest(body: Record<string, unknown>, view: ChatRequestView): HubRequest {
  refuseUntranslatable(body);
  const { system, messages } = readMessages(readArray(body.messages, 'messages'));
  return {
    model: view.model,
    system,
    messages,
    tools: readTools(body.tools),
    toolChoice: readToolChoice(body.tool_choice),
    maxTokens: view.maxTokens,
    temperature: readOptionalNumber(body.temperature, 'temperature', 0, 2),
    topP: readOptionalNumber(body.top_p, 'top_p', 0, 1),
    topK: null,
    stop: readStop(body.stop),
    stream: view.stream,
    reasoning: readEffort(body.reasoning_effort, 'reasoning_effort'),
    responseFormat: readResponseFormat(body.response_format),
    parallelToolCalls: readOptionalBoolean(body.parallel_tool_calls, 'parallel_tool_calls'),
    user:
      readOptionalString(body.user, 'user') ??
      readOptionalString(body.safety_identifier, 'safety_identifier'),
  };
}

const NOT_TRANSLATABLE = 'cannot be translated to the API format of the channel serving this model';

function refuseUntranslatable(body: Record<string, unknown>): void {
  if (typeof body.n === 'number' && body.n > 1) {
    untranslatable('n', `'n' > 1 (several choices) ${NOT_TRANSLATABLE}.`);
  }
  if (!isAbsent(body.functions)) {
    untranslatable('functions', `The legacy 'functions' ${NOT_TRANSLATABLE}; use 'tools'.`);
  }
  if (!isAbsent(body.function_call)) {
    untranslatable(
      'function_call',
      `The legacy 'function_call' ${NOT_TRANSLATABLE}; use 'tool_choice'.`,
    );
  }
  if (Array.isArray(body.modalities) && body.modalities.includes('audio')) {
    untranslatable('modalities', `Audio output ${NOT_TRANSLATABLE}.`);
  }
}

/**
 * Leading system/developer messages become `system` (joined by a blank line); later ones stay in place as
 * `system` messages. Consecutive `tool` messages become one `user` message of `tool_result` parts, each named
 * after the call it answers.
 */
function readMessages(raw: unknown[]): { system: string | null; messages: HubMessage[] } {
  const system: string[] = [];
  const messages: HubMessage[] = [];
  const callNames = new Map<string, string>();
  for (const [i, item] of raw.entries()) {
    const param = `messages[${i}]`;
    const message = readObject(item, param);
    const role = readEnum(message.role, `${param}.role`, CHAT_ROLES);
    switch (role) {
      case 'system':
      case 'developer': {
        const text = readText(message.content, `${param}.content`);
        if (messages.length === 0) system.push(text);
        else messages.push({ role: 'system', content: [{ type: 'text', text }] });
        break;
      }
      case 'user':
        messages.push({
          role: 'user',
          content: readUserContent(message.content, `${param}.content`),
        });
        break;
      case 'assistant':
        messages.push({ role: 'assistant', content: readAssistant(message, param, callNames) });
        break;
      case 'tool': {
        const part = readToolResult(message, param, callNames);
        const last = messages.at(-1);
        if (last?.role === 'user' && last.content.every((p) => p.type === 'tool_result')) {
          last.content.push(part);
        } else {
          messages.push({ role: 'user', content: [part] });
        }
        break;
      }
      case 'function':
        untranslatable(
          `${param}.role`,
          `The legacy role 'function' ${NOT_TRANSLATABLE}; use 'tool'.`,
        );
    }
  }
  return { system: system.length > 0 ? system.join('\n\n') : null, messages };
}

/** Content that may only be text: a string, or text parts (joined by a line break). */
function readText(value: unknown, param: string): string {
  if (isAbsent(value)) return '';
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) {
    reject(wrongType(param, 'one of a string or an array of objects', value));
  }
  return value
    .map((part, i) => {
      const p = readObject(part, `${param}[${i}]`);
      readEnum(p.type, `${param}[${i}].type`, ['text']);
      return readString(p.text, `${param}[${i}].text`);
    })
    .join('\n');
}

const USER_PART_TYPES = ['text', 'image_url', 'input_audio', 'file'] as const;

function readUserContent(value: unknown, param: string): HubPart[] {
  if (isAbsent(value)) return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) {
    reject(wrongType(param, 'one of a string or an array of objects', value));
  }
  return value.map((item, i): HubPart => {
    const at = `${param}[${i}]`;
    const part = readObject(item, at);
    const type = readEnum(part.type, `${at}.type`, USER_PART_TYPES);
    switch (type) {
      case 'text':
        return { type: 'text', text: readString(part.text, `${at}.text`) };
      case 'image_url': {
        const image = readObject(part.image_url, `${at}.image_url`);
        return {
          type: 'image',
          source: imageSource(readString(image.url, `${at}.image_url.url`), `${at}.image_url.url`),
        };
      }
      case 'input_audio':
      case 'file':
        return untranslatable(`${at}.type`, `Content parts of type '${type}' ${NOT_TRANSLATABLE}.`);
    }
  });
}

function readAssistant(
  message: Record<string, unknown>,
  param: string,
  callNames: Map<string, string>,
): HubPart[] {
  const parts: HubPart[] = [];
  // DeepSeek and vLLM return reasoning as `reasoning_content` (OpenRouter as `reasoning`); clients echo it back.
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') {
    parts.push({ type: 'thinking', text: reasoning, signature: null });
  }
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    for (const [i, item] of content.entries()) {
      const at = `${param}.content[${i}]`;
      const part = readObject(item, at);
      const type = readEnum(part.type, `${at}.type`, ['text', 'refusal']);
      const text = readString(type === 'text' ? part.text : part.refusal, `${at}.${type}`);
      parts.push({ type: 'text', text });
    }
  } else if (!isAbsent(content)) {
    reject(wrongType(`${param}.content`, 'one of a string or an array of objects', content));
  }
  const refusal = readOptionalString(message.refusal, `${param}.refusal`);
  if (refusal) parts.push({ type: 'text', text: refusal });
  if (!isAbsent(message.function_call)) {
    untranslatable(
      `${param}.function_call`,
      `The legacy 'function_call' ${NOT_TRANSLATABLE}; use 'tool_calls'.`,
    );
  }
  if (!isAbsent(message.tool_calls)) {
    for (const [i, item] of readArray(message.tool_calls, `${param}.tool_calls`).entries()) {
      const at = `${param}.tool_calls[${i}]`;
      const call = readObject(item, at);
      if (readEnum(call.type, `${at}.type`, ['function', 'custom']) === 'custom') {
        untranslatable(`${at}.type`, `Custom tool calls ${NOT_TRANSLATABLE}.`);
      }
      const fn = readObject(call.function, `${at}.function`);
      const id = readString(call.id, `${at}.id`);
      const name = readString(fn.name, `${at}.function.name`);
      callNames.set(id, name);
      parts.push({
        type: 'tool_call',
        id,
        name,
        arguments: readString(fn.arguments, `${at}.function.arguments`),
      });
    }
  }
  return parts;
}

function readToolResult(
  message: Record<string, unknown>,
  param: string,
  callNames: Map<string, string>,
): Extract<HubPart, { type: 'tool_result' }> {
  const toolCallId = readString(message.tool_call_id, `${param}.tool_call_id`);
  const name = callNames.get(toolCallId);
  if (name === undefined) {
    // OpenAI's own wording, typo included, for a tool message that answers no call.
    reject(
      invalid(
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        `${param}.role`,
        null,
      ),
    );
  }
  const text = readText(message.content, `${param}.content`);
  return {
    type: 'tool_result',
    toolCallId,
    name,
    content: [{ type: 'text', text }],
    isError: false,
  };
}

function readTools(value: unknown): HubTool[] {
  if (isAbsent(value)) return [];
  return readArray(value, 'tools').map((item, i): HubTool => {
    const at = `tools[${i}]`;
    const tool = readObject(item, at);
    if (readEnum(tool.type, `${at}.type`, ['function', 'custom']) === 'custom') {
      untranslatable(`${at}.type`, `Custom tools ${NOT_TRANSLATABLE}.`);
    }
    const fn = readObject(tool.function, `${at}.function`);
    return {
      name: readString(fn.name, `${at}.function.name`),
      description: readOptionalString(fn.description, `${at}.function.description`),
      parameters: isAbsent(fn.parameters)
        ? { type: 'object', properties: {} }
        : readObject(fn.parameters, `${at}.function.parameters`),
    };
  });
}

function readToolChoice(value: unknown): HubToolChoice | null {
  if (isAbsent(value)) return null;
  if (typeof value === 'string') {
    return readEnum(value, 'tool_choice', ['none', 'auto', 'required']);
  }
  const choice = readObject(value, 'tool_choice');
  const type = readEnum(choice.type, 'tool_choice.type', ['function', 'allowed_tools', 'custom']);
  switch (type) {
    case 'function': {
      const fn = readObject(choice.function, 'tool_choice.function');
      return { name: readString(fn.name, 'tool_choice.function.name') };
    }
    case 'allowed_tools': {
      // The hub has no allow-list within the tools: the mode is kept, the restriction dropped.
      const allowed = readObject(choice.allowed_tools, 'tool_choice.allowed_tools');
      return readEnum(allowed.mode, 'tool_choice.allowed_tools.mode', ['auto', 'required']);
    }
    case 'custom':
      return untranslatable('tool_choice.type', `Custom tools ${NOT_TRANSLATABLE}.`);
  }
}

function readStop(value: unknown): string[] {
  if (isAbsent(value)) return [];
  if (typeof value === 'string') return [value];
  return readArray(value, 'stop').map((s, i) => readString(s, `stop[${i}]`));
}

function readResponseFormat(value: unknown): HubRequest['responseFormat'] {
  if (isAbsent(value)) return null;
  const format = readObject(value, 'response_format');
  const type = readEnum(format.type, 'response_format.type', [
    'text',
    'json_object',
    'json_schema',
  ]);
  switch (type) {
    case 'text':
      return null;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const spec = readObject(format.json_schema, 'response_format.json_schema');
      return {
        type: 'json_schema',
        name: readString(spec.name, 'response_format.json_schema.name'),
        schema: isAbsent(spec.schema)
          ? {}
          : readObject(spec.schema, 'response_format.json_schema.schema'),
      };
    }
  }
}

/**
 * An upstream `chat.completion` to the hub (first choice). A `refusal` becomes text with stop reason `refusal`;
 * `reasoning_content` (DeepSeek, vLLM) or `reasoning` (OpenRouter) becomes a thinking part first.
 */
export function chatCompletionToHub(json: unknown): HubResponse {
  if (!isRecord(json)) throw new UpstreamResponseError('chat.completion: not a JSON object');
  const choice: unknown = Array.isArray(json.choices) ? json.choices[0] : undefined;
  if (!isRecord(choice)) throw new UpstreamResponseError('chat.completion: no choices');
  const message = isRecord(choice.message) ? choice.message : {};

  const content: HubPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') {
    content.push({ type: 'thinking', text: reasoning, signature: null });
  }
  if (typeof message.content === 'string' && message.content !== '') {
    content.push({ type: 'text', text: message.content });
  }
  const refused = typeof message.refusal === 'string' && message.refusal !== '';
  if (refused) content.push({ type: 'text', text: message.refusal as string });
  const calls: unknown[] = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    if (!isRecord(call) || !isRecord(call.function)) continue;
    content.push({
      type: 'tool_call',
      id: typeof call.id === 'string' ? call.id : '',
      name: typeof call.function.name === 'string' ? call.function.name : '',
      arguments: typeof call.function.arguments === 'string' ? call.function.arguments : '',
    });
  }
  const hasCalls = content.some((p) => p.type === 'tool_call');
  return {
    id: typeof json.id === 'string' ? json.id : '',
    model: typeof json.model === 'string' ? json.model : '',
    content,
    stopReason: refused ? 'refusal' : chatStopReason(choice.finish_reason, hasCalls),
    stopSequence: null,
    usage: chatUsageToHub(json.usage) ?? {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    },
  };
}

/**
 * `finish_reason` to the hub's stop reason. OpenAI cannot tell a stop sequence from a natural end (both
 * `stop`); a `stop` next to tool calls (some compatible servers) counts as `tool_use`.
 */
export function chatStopReason(finishReason: unknown, hasToolCalls: boolean): HubStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'content_filter';
    default:
      return hasToolCalls ? 'tool_use' : 'end_turn';
  }
}

/**
 * Chat usage as `usageFromChatUsage` reads it, plus what a translated answer passes on: the reasoning tokens
 * inside `completion_tokens`, and `prompt_tokens_details.cache_write_tokens` where a server reports writes.
 */
export function chatUsageToHub(usage: unknown): TokenUsage | null {
  const base = usageFromChatUsage(usage);
  if (base === null || !isRecord(usage)) return base;
  const prompt = usage.prompt_tokens_details;
  const completion = usage.completion_tokens_details;
  const cacheWrite =
    isRecord(prompt) && isCount(prompt.cache_write_tokens) ? prompt.cache_write_tokens : 0;
  return {
    ...base,
    cacheWriteTokens: Math.min(cacheWrite, base.inputTokens - base.cacheReadTokens),
    ...(isRecord(completion) && isCount(completion.reasoning_tokens)
      ? { reasoningTokens: completion.reasoning_tokens }
      : {}),
  };
}
