// Anthropic Messages to the hub: a client's request (edge-checked by `parseMessagesRequest`, walked in full here
// with the API's 400s for what it cannot read) and an upstream's `message` answer.
//
// Dropped in translation (same format on both sides is a pass-through, where all of these DO reach the upstream):
// - `cache_control` on system blocks, messages, tools and tool results: prompt caching is Anthropic's own; other
//   providers cache implicitly or not at all. `citations` on documents and text blocks: no other format has them.
// - `container`, `mcp_servers`, `service_tier`, `context_management`, `inference_geo`, `metadata` other than
//   `user_id`, and any unknown top-level field: platform features and settings with no counterpart.
// - Anthropic-defined tools (`bash_…`, `text_editor_…`, `web_search_…`, `web_fetch_…`, `code_execution_…`,
//   `computer_…`, `memory_…`, tool search): their schema lives in Anthropic's models, not in the request, so no
//   other provider can be told what they take. Only custom tools (name, description, input_schema) cross;
//   a tool's `cache_control`, `strict`, `defer_loading` and `input_examples` are dropped with it.
// - Server tool history (`server_tool_use`, `web_search_tool_result`, `web_fetch_tool_result`,
//   `code_execution_tool_result`, `mcp_tool_use`, `mcp_tool_result`, `container_upload`, and any block type this
//   adapter does not know): the model's own earlier server-side actions, which no other provider can replay;
//   the text the model wrote about their results stays.
// - Documents: a plain-text document (`source.type` `text` or `content`) becomes text (with its title); a PDF,
//   URL or Files API document, and an image from the Files API (`source.type: 'file'`), cannot be sent in the
//   hub's terms and become a one-line text note saying so, so the model does not answer as if it had read them.
//   `search_result` blocks become text (title, source, content).
// - `thinking: {type: 'adaptive'}` becomes reasoning with the effort of `output_config.effort` (`max` → `high`),
//   else no preference; `{type: 'disabled'}` becomes none.
// - `tool_choice.disable_parallel_tool_use: false` is the default and reads as no preference.
// Kept leniently (the hub carries it, the API may move it): structured output from `output_format` (beta) or
// `output_config.format`, `{type: 'json_schema', schema}`.
//
// Not checked here, left to whichever upstream serves the request: tool_use / tool_result pairing, role
// alternation (consecutive same-role messages are valid: the API merges them), and `max_tokens` against
// `thinking.budget_tokens` (the interleaved-thinking beta, sent as a header this codec does not see, allows a
// budget above `max_tokens`).
import { rejectionToResult, type ProtocolError } from '../errors';
import type {
  HubImageSource,
  HubMessage,
  HubPart,
  HubReasoning,
  HubRequest,
  HubResponse,
  HubResultPart,
  HubStopReason,
  HubTool,
  HubToolChoice,
} from '../hub/hub.types';
import { readClientSignature } from '../hub/thought-signature';
import { isAbsent, isRecord } from '../json';
import {
  readInteger,
  readList,
  readLiteral,
  readObject,
  readOptionalBoolean,
  readOptionalInteger,
  readOptionalNumber,
  readOptionalString,
  readString,
  readTag,
  reject,
} from './checks';
import type { MessagesRequestView } from './parse';
import { IMAGE_MEDIA_TYPES } from './types';
import { usageFromMessage } from './usage';

export function messagesRequestToHub(
  body: Record<string, unknown>,
  view: MessagesRequestView,
): { ok: true; request: HubRequest } | { ok: false; error: ProtocolError } {
  const result = rejectionToResult(() => translateRequest(body, view));
  return result.ok ? { ok: true, request: result.value } : result;
}

function translateRequest(body: Record<string, unknown>, view: MessagesRequestView): HubRequest {
  const system = readSystem(body.system);
  const messages = readMessages(readList(body.messages, 'messages'), system);
  const choice = readToolChoice(body.tool_choice);
  return {
    model: view.model,
    system: system.length > 0 ? system.join('\n\n') : null,
    messages,
    tools: readTools(body.tools),
    toolChoice: choice.toolChoice,
    maxTokens: view.maxTokens,
    temperature: readOptionalNumber(body.temperature, 'temperature', 0, 1),
    topP: readOptionalNumber(body.top_p, 'top_p', 0, 1),
    topK: readOptionalInteger(body.top_k, 'top_k', 0),
    stop: readStopSequences(body.stop_sequences),
    stream: view.stream,
    reasoning: readThinking(body.thinking, body.output_config),
    responseFormat: readOutputFormat(body.output_format, body.output_config),
    parallelToolCalls: choice.parallelToolCalls,
    user: readUser(body.metadata),
  };
}

/** Top-level `system`: a string or text blocks, each its own paragraph. */
function readSystem(value: unknown): string[] {
  if (isAbsent(value)) return [];
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (!Array.isArray(value)) reject('system', 'Input should be a valid string or a valid list');
  return value.map((item, i) => {
    const loc = `system.${i}`;
    const block = readObject(item, loc);
    readTag(block, loc, ['text']);
    return readText(block.text, `${loc}.text`, 'system');
  });
}

/** A text block's text, with the API's checks (non-empty, not only whitespace) named after `root`. */
function readText(value: unknown, loc: string, root: string): string {
  const text = readString(value, loc);
  if (text === '') reject(root, 'text content blocks must be non-empty');
  if (text.trim() === '') reject(root, 'text content blocks must contain non-whitespace text');
  return text;
}

/**
 * The messages. `role: 'system'` messages before the first user or assistant message join the system prompt;
 * later ones stay in place as hub `system` messages. Tool results are named after the call they answer, where
 * an earlier assistant message made it (Gemini needs the name).
 */
function readMessages(raw: unknown[], system: string[]): HubMessage[] {
  const messages: HubMessage[] = [];
  const callNames = new Map<string, string>();
  raw.forEach((item, i) => {
    const loc = `messages.${i}`;
    const message = readObject(item, loc);
    const role =
      message.role === 'system'
        ? 'system'
        : readLiteral(message.role, `${loc}.role`, ['user', 'assistant']);
    const content = message.content;
    if (content === undefined) reject(`${loc}.content`, 'Field required');
    const empty = content === '' || (Array.isArray(content) && content.length === 0);
    if (empty && !(role === 'assistant' && i === raw.length - 1)) {
      reject(
        loc,
        'all messages must have non-empty content except for the optional final assistant message',
      );
    }
    if (role === 'system') {
      const text = readSystemMessage(content, `${loc}.content`);
      if (messages.length === 0) system.push(text);
      else messages.push({ role: 'system', content: [{ type: 'text', text }] });
      return;
    }
    messages.push({ role, content: readContent(content, `${loc}.content`, callNames) });
  });
  return messages;
}

function readSystemMessage(content: unknown, loc: string): string {
  if (typeof content === 'string') return readText(content, loc, 'messages');
  if (!Array.isArray(content)) reject(loc, 'Input should be a valid string or a valid list');
  return content
    .map((item, j) => {
      const block = readObject(item, `${loc}.${j}`);
      readTag(block, `${loc}.${j}`, ['text']);
      return readText(block.text, `${loc}.${j}.text.text`, 'messages');
    })
    .join('\n\n');
}

function readContent(content: unknown, loc: string, callNames: Map<string, string>): HubPart[] {
  if (typeof content === 'string') {
    return content === '' ? [] : [{ type: 'text', text: readText(content, loc, 'messages') }];
  }
  if (!Array.isArray(content)) reject(loc, 'Input should be a valid string or a valid list');
  return content.flatMap((item, j) => readBlock(item, `${loc}.${j}`, callNames));
}

function readBlock(item: unknown, loc: string, callNames: Map<string, string>): HubPart[] {
  const block = readObject(item, loc);
  const type = readTag(block, loc, null);
  const at = `${loc}.${type}`;
  switch (type) {
    case 'text':
      return [{ type: 'text', text: readText(block.text, `${at}.text`, 'messages') }];
    case 'image':
      return [readImage(block, at)];
    case 'document':
      return [readDocument(block, at)];
    case 'search_result':
      return [searchResultText(block)];
    case 'tool_use': {
      const id = readString(block.id, `${at}.id`);
      const name = readString(block.name, `${at}.name`);
      const input = readObject(block.input, `${at}.input`);
      callNames.set(id, name);
      return [{ type: 'tool_call', id, name, arguments: JSON.stringify(input) }];
    }
    case 'tool_result': {
      const toolCallId = readString(block.tool_use_id, `${at}.tool_use_id`);
      return [
        {
          type: 'tool_result',
          toolCallId,
          name: callNames.get(toolCallId) ?? null,
          content: readToolResultContent(block.content, `${at}.content`),
          isError: readOptionalBoolean(block.is_error, `${at}.is_error`) ?? false,
        },
      ];
    }
    case 'thinking': {
      const text = readString(block.thinking, `${at}.thinking`);
      // Bare signatures are Anthropic's; relayed ones name their issuer and carry the text they sign; an empty
      // one is an unsigned block (reasoning of a provider that does not sign).
      const read = readClientSignature(readString(block.signature, `${at}.signature`), 'anthropic');
      return [
        { type: 'thinking', text: read?.thinking ?? text, signature: read?.signature ?? null },
      ];
    }
    case 'redacted_thinking':
      return [{ type: 'redacted_thinking', data: readString(block.data, `${at}.data`) }];
    default:
      return []; // server tool history and unknown block types: see the top of this file
  }
}

function readToolResultContent(value: unknown, loc: string): HubResultPart[] {
  if (isAbsent(value)) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  if (!Array.isArray(value)) reject(loc, 'Input should be a valid string or a valid list');
  return value.flatMap((item, k): HubResultPart[] => {
    const loc2 = `${loc}.${k}`;
    const block = readObject(item, loc2);
    const type = readTag(block, loc2, null);
    switch (type) {
      case 'text':
        return [{ type: 'text', text: readText(block.text, `${loc2}.text.text`, 'messages') }];
      case 'image':
        return [readImage(block, `${loc2}.image`)];
      case 'document':
        return [readDocument(block, `${loc2}.document`)];
      case 'search_result':
        return [searchResultText(block)];
      default:
        return [];
    }
  });
}

const IMAGE_SOURCES = ['base64', 'url', 'file'] as const;

function readImage(block: Record<string, unknown>, loc: string): HubResultPart {
  const source = readObject(block.source, `${loc}.source`);
  const kind = readTag(source, `${loc}.source`, IMAGE_SOURCES);
  const at = `${loc}.source.${kind}`;
  let image: HubImageSource;
  switch (kind) {
    case 'base64':
      image = {
        kind: 'base64',
        mediaType: readLiteral(source.media_type, `${at}.media_type`, IMAGE_MEDIA_TYPES),
        data: readString(source.data, `${at}.data`),
      };
      break;
    case 'url':
      image = { kind: 'url', url: readString(source.url, `${at}.url`) };
      break;
    default:
      return omitted('image from the Files API');
  }
  return { type: 'image', source: image };
}

/** A plain-text document as text (title first); any other document as a note (see the top of this file). */
function readDocument(block: Record<string, unknown>, loc: string): HubResultPart {
  const source = readObject(block.source, `${loc}.source`);
  const kind = readTag(source, `${loc}.source`, null);
  const title = readOptionalString(block.title, `${loc}.title`);
  let text: string | null = null;
  if (kind === 'text') text = readString(source.data, `${loc}.source.text.data`);
  if (kind === 'content') text = textOf(source.content);
  if (text === null) {
    const what = kind === 'base64' ? 'PDF' : kind === 'url' ? 'URL' : 'Files API';
    return omitted(`${what} document${title === null ? '' : ` "${title}"`}`);
  }
  return { type: 'text', text: title === null ? text : `${title}\n\n${text}` };
}

/** A `search_result` block (a RAG result the caller supplies) as text: title, source, then its text blocks. */
function searchResultText(block: Record<string, unknown>): HubResultPart {
  const lines = [block.title, block.source].filter((v): v is string => typeof v === 'string');
  return { type: 'text', text: [...lines, textOf(block.content)].join('\n') };
}

/** The text of a string or of the text blocks in a list (others ignored). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return value
    .filter((b): b is Record<string, unknown> => isRecord(b) && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

function omitted(what: string): HubResultPart {
  return {
    type: 'text',
    text: `[${what} omitted: the API format of the channel serving this model cannot carry it]`,
  };
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** Anthropic-defined tools are versioned by date: `bash_20250124`, `web_search_20250305`, ... */
const ANTHROPIC_TOOL_TYPE = /^[a-z][a-z0-9_]*_\d{8}$/;

function readTools(value: unknown): HubTool[] {
  if (isAbsent(value)) return [];
  const names = new Set<string>();
  const tools: HubTool[] = [];
  readList(value, 'tools').forEach((item, i) => {
    const loc = `tools.${i}`;
    const tool = readObject(item, loc);
    const type = isAbsent(tool.type) ? 'custom' : tool.type;
    if (type !== 'custom' && !(typeof type === 'string' && ANTHROPIC_TOOL_TYPE.test(type))) {
      // The API lists its dozen tool types here; this names the kinds (an OpenAI-shaped tool lands here).
      reject(
        loc,
        `Input tag '${typeof type === 'string' ? type : JSON.stringify(type)}' found using 'type' does not match any of the expected tags: 'custom' or a dated Anthropic tool type such as 'bash_20250124'`,
      );
    }
    const custom = type === 'custom';
    const at = `${loc}.${type}`;
    const name = readString(tool.name, `${at}.name`);
    if (names.has(name)) reject('tools', 'Tool names must be unique.');
    names.add(name);
    if (!custom) return; // Anthropic-defined: see the top of this file
    if (!TOOL_NAME.test(name)) {
      reject(`${at}.name`, `String should match pattern '${TOOL_NAME.source}'`);
    }
    tools.push({
      name,
      description: readOptionalString(tool.description, `${at}.description`),
      parameters: readObject(tool.input_schema, `${at}.input_schema`),
    });
  });
  return tools;
}

const TOOL_CHOICES = ['auto', 'any', 'tool', 'none'] as const;

function readToolChoice(value: unknown): {
  toolChoice: HubToolChoice | null;
  parallelToolCalls: boolean | null;
} {
  if (isAbsent(value)) return { toolChoice: null, parallelToolCalls: null };
  const choice = readObject(value, 'tool_choice');
  const type = readTag(choice, 'tool_choice', TOOL_CHOICES) as (typeof TOOL_CHOICES)[number];
  const disable = readOptionalBoolean(
    choice.disable_parallel_tool_use,
    `tool_choice.${type}.disable_parallel_tool_use`,
  );
  const parallelToolCalls = disable === true ? false : null;
  switch (type) {
    case 'auto':
      return { toolChoice: 'auto', parallelToolCalls };
    case 'any':
      return { toolChoice: 'required', parallelToolCalls };
    case 'tool':
      return {
        toolChoice: { name: readString(choice.name, 'tool_choice.tool.name') },
        parallelToolCalls,
      };
    case 'none':
      return { toolChoice: 'none', parallelToolCalls: null };
  }
}

function readStopSequences(value: unknown): string[] {
  if (isAbsent(value)) return [];
  return readList(value, 'stop_sequences').map((s, i) => readString(s, `stop_sequences.${i}`));
}

const THINKING_TYPES = ['enabled', 'disabled', 'adaptive'] as const;
/** The API's minimum thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

function readThinking(value: unknown, outputConfig: unknown): HubReasoning | null {
  if (isAbsent(value)) return null;
  const thinking = readObject(value, 'thinking');
  switch (readTag(thinking, 'thinking', THINKING_TYPES) as (typeof THINKING_TYPES)[number]) {
    case 'enabled':
      return {
        effort: null,
        budgetTokens: readInteger(
          thinking.budget_tokens,
          'thinking.enabled.budget_tokens',
          MIN_THINKING_BUDGET,
        ),
      };
    case 'adaptive':
      return { effort: adaptiveEffort(outputConfig), budgetTokens: null };
    case 'disabled':
      return null;
  }
}

function adaptiveEffort(outputConfig: unknown): HubReasoning['effort'] {
  const effort = isRecord(outputConfig) ? outputConfig.effort : undefined;
  switch (effort) {
    case 'low':
    case 'medium':
    case 'high':
      return effort;
    case 'max':
      return 'high';
    default:
      return null;
  }
}

/** Structured output, read leniently from the beta `output_format` or `output_config.format`. */
function readOutputFormat(
  outputFormat: unknown,
  outputConfig: unknown,
): HubRequest['responseFormat'] {
  const format = isRecord(outputFormat)
    ? outputFormat
    : isRecord(outputConfig) && isRecord(outputConfig.format)
      ? outputConfig.format
      : null;
  if (format?.type !== 'json_schema' || !isRecord(format.schema)) return null;
  return { type: 'json_schema', name: 'output', schema: format.schema };
}

function readUser(value: unknown): string | null {
  if (isAbsent(value)) return null;
  const metadata = readObject(value, 'metadata');
  return readOptionalString(metadata.user_id, 'metadata.user_id');
}

/** An upstream `message` body that does not have the shape of one. */
export class MalformedUpstreamResponse extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedUpstreamResponse';
  }
}

/**
 * An upstream `message` to the hub: text, thinking, redacted thinking and tool use blocks in order; server tool
 * blocks are dropped (see the top of this file) and text citations with them.
 */
export function messageToHub(json: unknown): HubResponse {
  if (!isRecord(json)) throw new MalformedUpstreamResponse('message: not a JSON object');
  if (!Array.isArray(json.content)) throw new MalformedUpstreamResponse('message: no content');
  const content = json.content.flatMap((block): HubPart[] =>
    isRecord(block) ? responsePart(block) : [],
  );
  return {
    id: typeof json.id === 'string' ? json.id : '',
    model: typeof json.model === 'string' ? json.model : '',
    content,
    stopReason: hubStopReason(json.stop_reason),
    stopSequence: typeof json.stop_sequence === 'string' ? json.stop_sequence : null,
    usage: usageFromMessage(json) ?? {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    },
  };
}

function responsePart(block: Record<string, unknown>): HubPart[] {
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? [{ type: 'text', text: block.text }] : [];
    case 'thinking':
      return typeof block.thinking === 'string'
        ? [
            {
              type: 'thinking',
              text: block.thinking,
              signature:
                typeof block.signature === 'string' && block.signature !== ''
                  ? { issuer: 'anthropic', value: block.signature }
                  : null,
            },
          ]
        : [];
    case 'redacted_thinking':
      return typeof block.data === 'string'
        ? [{ type: 'redacted_thinking', data: block.data }]
        : [];
    case 'tool_use':
      return [
        {
          type: 'tool_call',
          id: typeof block.id === 'string' ? block.id : '',
          name: typeof block.name === 'string' ? block.name : '',
          arguments: JSON.stringify(isRecord(block.input) ? block.input : {}),
        },
      ];
    default:
      return [];
  }
}

/**
 * `stop_reason` to the hub's (the README's table). `pause_turn` (a long server-tool turn paused for the caller
 * to continue) ends the hub answer like `end_turn`; `model_context_window_exceeded` is a length stop.
 */
export function hubStopReason(stopReason: unknown): HubStopReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'tool_use':
      return 'tool_use';
    case 'refusal':
      return 'refusal';
    default:
      return 'end_turn';
  }
}
