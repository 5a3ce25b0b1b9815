// Request validation with the real Messages API's rules and error texts (`<location>: <problem>`), so a request
// our gateway translates badly into Anthropic's format is rejected here exactly as Anthropic would reject it:
// unknown fields, a `system` role, OpenAI-shaped tools, tool results that answer no tool use, and so on.
import { type AnthropicApiError, invalidRequest } from './fake-anthropic.errors';
import type { AnthropicCountTokensBody, AnthropicRequestBody } from './fake-anthropic.types';

type Json = Record<string, unknown>;

/** Top-level fields of `POST /v1/messages`; the API rejects any other as an extra input. */
const MESSAGES_FIELDS = [
  'model',
  'messages',
  'max_tokens',
  'system',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'thinking',
  'service_tier',
  'container',
  'mcp_servers',
  'context_management',
  'output_format',
  'output_config',
  'inference_geo',
];
/** Top-level fields of `POST /v1/messages/count_tokens`: no max_tokens, no sampling, no stream. */
const COUNT_TOKENS_FIELDS = [
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'mcp_servers',
  'context_management',
  'output_format',
  'output_config',
];
const BLOCK_TYPES = [
  'text',
  'image',
  'document',
  'search_result',
  'thinking',
  'redacted_thinking',
  'tool_use',
  'tool_result',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'container_upload',
];
const TOOL_RESULT_BLOCK_TYPES = ['text', 'image', 'document', 'search_result'];
const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const TOOL_CHOICE_TYPES = ['auto', 'any', 'tool', 'none'];
const THINKING_TYPES = ['enabled', 'disabled', 'adaptive'];
/** Anthropic-defined (server and client) tools are versioned by date, e.g. `web_search_20250305`. */
const VERSIONED_TOOL_TYPE =
  /^(bash|text_editor|web_search|web_fetch|code_execution|computer|memory|tool_search_tool_(regex|bm25))_\d{8}$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const MIN_THINKING_BUDGET = 1024;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as it appears inside a message: strings bare, anything else as JSON. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function quoteList(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  return quoted.length <= 1
    ? quoted.join('')
    : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function fieldRequired(loc: string): AnthropicApiError {
  return invalidRequest(`${loc}: Field required`);
}

function requireString(record: Json, field: string, loc: string): string {
  const value = record[field];
  if (value === undefined) throw fieldRequired(`${loc}.${field}`);
  if (typeof value !== 'string') {
    throw invalidRequest(`${loc}.${field}: Input should be a valid string`);
  }
  return value;
}

function checkExtraFields(record: Json, allowed: readonly string[], loc: string): void {
  const extra = Object.keys(record).find((key) => !allowed.includes(key));
  if (extra !== undefined) {
    throw invalidRequest(`${loc ? `${loc}.` : ''}${extra}: Extra inputs are not permitted`);
  }
}

function checkTag(type: unknown, expected: readonly string[], loc: string): string {
  if (type === undefined) {
    throw invalidRequest(`${loc}: Unable to extract tag using discriminator 'type'`);
  }
  if (typeof type !== 'string' || !expected.includes(type)) {
    throw invalidRequest(
      `${loc}: Input tag '${shown(type)}' found using 'type' does not match any of the expected tags: ` +
        quoteList(expected),
    );
  }
  return type;
}

function checkText(block: Json, loc: string): void {
  const text = requireString(block, 'text', loc);
  if (text.length === 0) throw invalidRequest('messages: text content blocks must be non-empty');
  if (text.trim().length === 0) {
    throw invalidRequest('messages: text content blocks must contain non-whitespace text');
  }
}

function checkSource(block: Json, loc: string, kind: 'image' | 'document'): void {
  const source = block.source;
  if (source === undefined) throw fieldRequired(`${loc}.${kind}.source`);
  if (!isRecord(source)) throw invalidRequest(`${loc}.${kind}.source: Input should be an object`);
  const sourceTypes =
    kind === 'image' ? ['base64', 'url', 'file'] : ['base64', 'url', 'file', 'text', 'content'];
  const sourceType = checkTag(source.type, sourceTypes, `${loc}.${kind}.source`);
  if (kind === 'image' && sourceType === 'base64') {
    const mediaType = source.media_type;
    if (typeof mediaType !== 'string' || !IMAGE_MEDIA_TYPES.includes(mediaType)) {
      throw invalidRequest(
        `${loc}.image.source.base64.media_type: Input should be ${quoteList(IMAGE_MEDIA_TYPES)}`,
      );
    }
    requireString(source, 'data', `${loc}.image.source.base64`);
  }
  if (sourceType === 'url') requireString(source, 'url', `${loc}.${kind}.source.url`);
}

/** Checks one content block; returns its type. */
function checkBlock(block: unknown, loc: string): string {
  if (!isRecord(block)) throw invalidRequest(`${loc}: Input should be a valid dictionary`);
  const type = checkTag(block.type, BLOCK_TYPES, loc);
  switch (type) {
    case 'text':
      checkText(block, loc);
      break;
    case 'image':
    case 'document':
      checkSource(block, loc, type);
      break;
    case 'tool_use': {
      requireString(block, 'id', `${loc}.tool_use`);
      requireString(block, 'name', `${loc}.tool_use`);
      if (block.input === undefined) throw fieldRequired(`${loc}.tool_use.input`);
      if (!isRecord(block.input)) {
        throw invalidRequest(`${loc}.tool_use.input: Input should be a valid dictionary`);
      }
      break;
    }
    case 'tool_result': {
      requireString(block, 'tool_use_id', `${loc}.tool_result`);
      const content = block.content;
      if (content !== undefined && typeof content !== 'string') {
        if (!Array.isArray(content)) {
          throw invalidRequest(`${loc}.tool_result.content: Input should be a valid list`);
        }
        content.forEach((inner, k) => {
          const innerLoc = `${loc}.tool_result.content.${k}`;
          if (!isRecord(inner)) {
            throw invalidRequest(`${innerLoc}: Input should be a valid dictionary`);
          }
          const innerType = checkTag(inner.type, TOOL_RESULT_BLOCK_TYPES, innerLoc);
          if (innerType === 'text') checkText(inner, innerLoc);
        });
      }
      if (block.is_error !== undefined && typeof block.is_error !== 'boolean') {
        throw invalidRequest(`${loc}.tool_result.is_error: Input should be a valid boolean`);
      }
      break;
    }
    case 'thinking':
      requireString(block, 'thinking', `${loc}.thinking`);
      requireString(block, 'signature', `${loc}.thinking`);
      break;
    case 'redacted_thinking':
      requireString(block, 'data', `${loc}.redacted_thinking`);
      break;
    default:
      break;
  }
  return type;
}

interface Turn {
  role: 'user' | 'assistant';
  /** Index of the turn's first message in the request. */
  first: number;
  blocks: { block: Json; loc: string }[];
}

/** Checks each message and merges consecutive messages of one role into a turn, as the API does. */
function checkMessages(messages: unknown): Turn[] {
  if (messages === undefined) throw fieldRequired('messages');
  if (!Array.isArray(messages)) throw invalidRequest('messages: Input should be a valid list');
  if (messages.length === 0) throw invalidRequest('messages: at least one message is required');
  const turns: Turn[] = [];
  messages.forEach((message: unknown, i) => {
    const loc = `messages.${i}`;
    if (!isRecord(message)) throw invalidRequest(`${loc}: Input should be a valid dictionary`);
    const role = message.role;
    if (role === 'system') {
      throw invalidRequest(
        'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, ' +
          'not "system" as an input message role.',
      );
    }
    if (role === undefined) throw fieldRequired(`${loc}.role`);
    if (role !== 'user' && role !== 'assistant') {
      throw invalidRequest(`${loc}.role: Input should be 'user' or 'assistant'`);
    }
    checkExtraFields(message, ['role', 'content'], loc);
    const content = message.content;
    if (content === undefined) throw fieldRequired(`${loc}.content`);
    const isFinalAssistant = role === 'assistant' && i === messages.length - 1;
    const empty = content === '' || (Array.isArray(content) && content.length === 0);
    if (empty && !isFinalAssistant) {
      throw invalidRequest(
        `${loc}: all messages must have non-empty content except for the optional final assistant message`,
      );
    }
    const blocks: Turn['blocks'] = [];
    if (typeof content === 'string') {
      blocks.push({ block: { type: 'text', text: content }, loc: `${loc}.content` });
    } else if (Array.isArray(content)) {
      content.forEach((block: unknown, j) => {
        const blockLoc = `${loc}.content.${j}`;
        checkBlock(block, blockLoc);
        blocks.push({ block: block as Json, loc: blockLoc });
      });
    } else {
      throw invalidRequest(`${loc}.content: Input should be a valid string or a valid list`);
    }
    const previous = turns[turns.length - 1];
    if (previous && previous.role === role) previous.blocks.push(...blocks);
    else turns.push({ role, first: i, blocks });
  });
  return turns;
}

function idsOf(turn: Turn | undefined, type: 'tool_use' | 'tool_result'): string[] {
  if (!turn) return [];
  const field = type === 'tool_use' ? 'id' : 'tool_use_id';
  return turn.blocks
    .filter(({ block }) => block.type === type)
    .map(({ block }) => String(block[field]));
}

/**
 * Every tool_use must be answered by a tool_result in the next turn, and every tool_result must answer a
 * tool_use of the previous turn: the pairing translations from other formats most often break.
 */
function checkToolPairing(turns: Turn[]): void {
  turns.forEach((turn, t) => {
    const next = turns[t + 1];
    if (turn.role === 'assistant' && next) {
      const answered = new Set(idsOf(next, 'tool_result'));
      const unanswered = idsOf(turn, 'tool_use').filter((id) => !answered.has(id));
      if (unanswered.length > 0) {
        throw invalidRequest(
          `messages.${next.first}: \`tool_use\` ids were found without \`tool_result\` blocks ` +
            `immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a ` +
            'corresponding `tool_result` block in the next message.',
        );
      }
    }
    if (turn.role === 'user') {
      const previous = turns[t - 1];
      const used = new Set(previous?.role === 'assistant' ? idsOf(previous, 'tool_use') : []);
      for (const { block, loc } of turn.blocks) {
        if (block.type === 'tool_result' && !used.has(String(block.tool_use_id))) {
          throw invalidRequest(
            `${loc}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ` +
              `${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding ` +
              '`tool_use` block in the previous message.',
          );
        }
      }
    }
  });
}

function checkSystem(system: unknown): void {
  if (system === undefined || typeof system === 'string') return;
  if (!Array.isArray(system)) {
    throw invalidRequest('system: Input should be a valid string or a valid list');
  }
  system.forEach((block: unknown, i) => {
    const loc = `system.${i}`;
    if (!isRecord(block)) throw invalidRequest(`${loc}: Input should be a valid dictionary`);
    checkTag(block.type, ['text'], loc);
    checkText(block, loc);
  });
}

function checkTools(tools: unknown): void {
  if (tools === undefined) return;
  if (!Array.isArray(tools)) throw invalidRequest('tools: Input should be a valid list');
  const names = new Set<string>();
  tools.forEach((tool: unknown, i) => {
    const loc = `tools.${i}`;
    if (!isRecord(tool)) throw invalidRequest(`${loc}: Input should be a valid dictionary`);
    const type = tool.type;
    if (type === undefined || type === 'custom') {
      const name = requireString(tool, 'name', `${loc}.custom`);
      if (!TOOL_NAME.test(name)) {
        throw invalidRequest(
          `${loc}.custom.name: String should match pattern '${TOOL_NAME.source}'`,
        );
      }
      const schema = tool.input_schema;
      if (schema === undefined) throw fieldRequired(`${loc}.custom.input_schema`);
      if (!isRecord(schema)) {
        throw invalidRequest(`${loc}.custom.input_schema: Input should be a valid dictionary`);
      }
      if (schema.type !== 'object') {
        throw invalidRequest(`${loc}.custom.input_schema.type: Input should be 'object'`);
      }
    } else if (typeof type === 'string' && VERSIONED_TOOL_TYPE.test(type)) {
      requireString(tool, 'name', `${loc}.${type}`);
    } else {
      throw invalidRequest(
        `${loc}: Input tag '${shown(type)}' found using 'type' does not match any of the expected ` +
          "tags: 'custom', 'bash_20250124', 'text_editor_20250728', 'web_search_20250305', " +
          "'web_fetch_20250910', 'code_execution_20250825', 'memory_20250818'",
      );
    }
    const name = String(tool.name);
    if (names.has(name)) throw invalidRequest('tools: Tool names must be unique.');
    names.add(name);
  });
}

function checkToolChoice(choice: unknown): void {
  if (choice === undefined) return;
  if (!isRecord(choice)) throw invalidRequest('tool_choice: Input should be a valid dictionary');
  const type = checkTag(choice.type, TOOL_CHOICE_TYPES, 'tool_choice');
  if (type === 'tool') requireString(choice, 'name', 'tool_choice.tool');
}

function checkThinking(thinking: unknown, maxTokens: number | undefined): void {
  if (thinking === undefined) return;
  if (!isRecord(thinking)) throw invalidRequest('thinking: Input should be a valid dictionary');
  const type = checkTag(thinking.type, THINKING_TYPES, 'thinking');
  if (type !== 'enabled') return;
  const budget = thinking.budget_tokens;
  if (budget === undefined) throw fieldRequired('thinking.enabled.budget_tokens');
  if (typeof budget !== 'number' || !Number.isInteger(budget)) {
    throw invalidRequest('thinking.enabled.budget_tokens: Input should be a valid integer');
  }
  if (budget < MIN_THINKING_BUDGET) {
    throw invalidRequest(
      `thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_THINKING_BUDGET}`,
    );
  }
  if (maxTokens !== undefined && maxTokens <= budget) {
    throw invalidRequest(
      '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at ' +
        'https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size',
    );
  }
}

function checkModel(record: Json): void {
  if (record.model === undefined) throw fieldRequired('model');
  if (typeof record.model !== 'string') {
    throw invalidRequest('model: Input should be a valid string');
  }
}

function checkMaxTokens(record: Json): number {
  const maxTokens = record.max_tokens;
  if (maxTokens === undefined) throw fieldRequired('max_tokens');
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) {
    throw invalidRequest('max_tokens: Input should be a valid integer');
  }
  if (maxTokens < 1) throw invalidRequest('max_tokens: Input should be greater than or equal to 1');
  return maxTokens;
}

function checkSampling(record: Json): void {
  if (record.stream !== undefined && typeof record.stream !== 'boolean') {
    throw invalidRequest('stream: Input should be a valid boolean');
  }
  const temperature = record.temperature;
  if (temperature !== undefined) {
    if (typeof temperature !== 'number') {
      throw invalidRequest('temperature: Input should be a valid number');
    }
    if (temperature < 0) {
      throw invalidRequest('temperature: Input should be greater than or equal to 0');
    }
    if (temperature > 1) {
      throw invalidRequest('temperature: Input should be less than or equal to 1');
    }
  }
  const stops = record.stop_sequences;
  if (stops !== undefined && !(Array.isArray(stops) && stops.every((s) => typeof s === 'string'))) {
    throw invalidRequest('stop_sequences: Input should be a valid list of strings');
  }
}

function requireBody(body: unknown): Json {
  if (!isRecord(body)) throw invalidRequest('Input should be a valid dictionary');
  return body;
}

/** Validates a `POST /v1/messages` body; throws an AnthropicApiError carrying the API's 400. */
export function validateMessagesRequest(body: unknown): AnthropicRequestBody {
  const record = requireBody(body);
  checkExtraFields(record, MESSAGES_FIELDS, '');
  checkModel(record);
  const maxTokens = checkMaxTokens(record);
  checkToolPairing(checkMessages(record.messages));
  checkSystem(record.system);
  checkSampling(record);
  checkTools(record.tools);
  checkToolChoice(record.tool_choice);
  checkThinking(record.thinking, maxTokens);
  // Every field AnthropicRequestBody declares was checked above, so the narrowing is earned, not assumed.
  return record as AnthropicRequestBody;
}

/** Validates a `POST /v1/messages/count_tokens` body: a messages request without max_tokens or sampling. */
export function validateCountTokensRequest(body: unknown): AnthropicCountTokensBody {
  const record = requireBody(body);
  checkExtraFields(record, COUNT_TOKENS_FIELDS, '');
  checkModel(record);
  checkToolPairing(checkMessages(record.messages));
  checkSystem(record.system);
  checkTools(record.tools);
  checkToolChoice(record.tool_choice);
  checkThinking(record.thinking, undefined);
  return record as AnthropicCountTokensBody;
}

/**
 * The API's check of reasoning sent back: every thinking block must carry a signature the API issued for that
 * very text (a placeholder, another provider's signature or edited text is refused, wherever the block is).
 */
export function checkThinkingSignatures(
  request: AnthropicCountTokensBody,
  issued: (thinking: string, signature: string) => boolean,
): void {
  request.messages.forEach((message, i) => {
    if (typeof message.content === 'string') return;
    message.content.forEach((block, j) => {
      if (block.type !== 'thinking') return;
      // Both are strings by now (checkBlock).
      const { thinking, signature } = block;
      if (
        typeof thinking !== 'string' ||
        typeof signature !== 'string' ||
        !issued(thinking, signature)
      ) {
        throw invalidRequest(
          `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`,
        );
      }
    });
  });
}
