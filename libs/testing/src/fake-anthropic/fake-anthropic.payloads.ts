// Builds what the Messages API sends (the message object, the stream's named events, token counts, models)
// from a responder's reply. Pure functions: ids and signatures are passed in.
import {
  frame,
  sse,
  type FrameRole,
  type StreamFrame,
} from '../fake-upstream/fake-upstream.stream';
import {
  countWords,
  estimateTokens,
  fragments,
  splitWords,
} from '../fake-upstream/fake-upstream.text';
import type {
  AnthropicContentBlock,
  AnthropicCountTokensBody,
  AnthropicMessage,
  AnthropicReply,
  AnthropicRequestBody,
} from './fake-anthropic.types';

/** A fixed creation time for models without a date in their id, so listings never change. */
const MODEL_CREATED_AT = '2025-01-01T00:00:00Z';

export interface MessageIdentity {
  id: string;
  model: string;
}

export interface ResolvedToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** A reply with every default filled in: what both the JSON and the stream answer are rendered from. */
export interface ResolvedReply {
  thinking: { text: string; signature: string } | null;
  text: string | null;
  toolUses: ResolvedToolUse[];
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  stopReason: string;
}

export interface ReplyIds {
  toolUseId: () => string;
  /** A signature for the thinking text (the fake's own, which it verifies when the block comes back). */
  signature: (thinking: string) => string;
}

function blocksOf(content: AnthropicMessage['content']): AnthropicContentBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** The text a block carries, for the token estimate: text, thinking, tool input and tool result content. */
function blockText(block: AnthropicContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text ?? '';
    case 'thinking':
      return typeof block.thinking === 'string' ? block.thinking : '';
    case 'tool_use':
      return `${String(block.name)} ${JSON.stringify(block.input)}`;
    case 'tool_result':
      return typeof block.content === 'string'
        ? block.content
        : Array.isArray(block.content)
          ? (block.content as AnthropicContentBlock[]).map(blockText).join(' ')
          : '';
    default:
      return '';
  }
}

/**
 * A deterministic stand-in for the tokenizer: a quarter of the characters of the system prompt, the messages
 * and the tool definitions. `count_tokens` and the usage of a message agree on it.
 */
export function estimateInputTokens(request: AnthropicCountTokensBody): number {
  const system =
    typeof request.system === 'string'
      ? request.system
      : (request.system ?? []).map(blockText).join(' ');
  const messages = request.messages.map((message) =>
    blocksOf(message.content).map(blockText).join(' '),
  );
  const tools = request.tools ? JSON.stringify(request.tools) : '';
  return estimateTokens([system, ...messages, tools].join(' ').trim().length);
}

export function defaultResponder(request: AnthropicRequestBody): AnthropicReply {
  const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
  const said = lastUser
    ? blocksOf(lastUser.content)
        .filter((block) => block.type === 'text')
        .map((block) => block.text ?? '')
        .join(' ')
    : '';
  return { text: `Hello from fake-anthropic! You said: ${said}` };
}

export function resolveReply(
  request: AnthropicRequestBody,
  reply: AnthropicReply,
  ids: ReplyIds,
): ResolvedReply {
  let toolUses = (reply.toolCalls ?? []).map((call) => ({ id: ids.toolUseId(), ...call }));
  let text = reply.text ?? (toolUses.length > 0 ? null : '');
  let stopReason = reply.stopReason;
  let truncated = false;
  if (stopReason === undefined && text !== null && countWords(text) > request.max_tokens) {
    // Cut at max_tokens "tokens" (words here), as the model stops mid-answer; nothing after it is sent.
    text = splitWords(text).slice(0, request.max_tokens).join('');
    toolUses = [];
    stopReason = 'max_tokens';
    truncated = true;
  }
  const thinking = reply.thinking
    ? {
        text: reply.thinking.text,
        signature: reply.thinking.signature ?? ids.signature(reply.thinking.text),
      }
    : null;
  const toolTokens = toolUses.reduce(
    (sum, call) => sum + estimateTokens(call.name.length + JSON.stringify(call.input).length),
    0,
  );
  const derivedOutput = truncated
    ? request.max_tokens
    : countWords(thinking?.text ?? '') + countWords(text ?? '') + toolTokens;
  return {
    thinking,
    text,
    toolUses,
    inputTokens: reply.inputTokens ?? estimateInputTokens(request),
    outputTokens: reply.outputTokens ?? Math.max(1, derivedOutput),
    cacheReadTokens: reply.cacheReadTokens ?? 0,
    cacheWriteTokens: reply.cacheWriteTokens ?? 0,
    stopReason: stopReason ?? (toolUses.length > 0 ? 'tool_use' : 'end_turn'),
  };
}

function contentBlocks(reply: ResolvedReply): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (reply.thinking) {
    blocks.push({
      type: 'thinking',
      thinking: reply.thinking.text,
      signature: reply.thinking.signature,
    });
  }
  if (reply.text !== null) blocks.push({ type: 'text', text: reply.text });
  for (const call of reply.toolUses) {
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
  }
  return blocks;
}

function usageOf(reply: ResolvedReply, outputTokens: number) {
  return {
    input_tokens: reply.inputTokens,
    cache_creation_input_tokens: reply.cacheWriteTokens,
    cache_read_input_tokens: reply.cacheReadTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: reply.cacheWriteTokens,
      ephemeral_1h_input_tokens: 0,
    },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

export function messageObject(identity: MessageIdentity, reply: ResolvedReply) {
  return {
    id: identity.id,
    type: 'message',
    role: 'assistant',
    model: identity.model,
    content: contentBlocks(reply),
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: usageOf(reply, reply.outputTokens),
  };
}

interface MessageEvent {
  type: string;
  fields: Record<string, unknown>;
  role: FrameRole;
}

/** The deltas of one block: thinking words then the signature, text words, or tool input JSON fragments. */
function blockDeltas(reply: ResolvedReply, block: Record<string, unknown>): unknown[] {
  switch (block.type) {
    case 'thinking':
      return [
        ...splitWords(reply.thinking?.text ?? '').map((thinking) => ({
          type: 'thinking_delta',
          thinking,
        })),
        { type: 'signature_delta', signature: reply.thinking?.signature ?? '' },
      ];
    case 'text':
      return splitWords(reply.text ?? '').map((text) => ({ type: 'text_delta', text }));
    default:
      // Like the API: an empty fragment first, then the input JSON in small pieces.
      return ['', ...fragments(JSON.stringify(block.input))].map((partial_json) => ({
        type: 'input_json_delta',
        partial_json,
      }));
  }
}

/** The start of a block carries it empty: no text, no thinking, no input yet. */
function emptyBlock(block: Record<string, unknown>): Record<string, unknown> {
  switch (block.type) {
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'text':
      return { type: 'text', text: '' };
    default:
      return { ...block, input: {} };
  }
}

/**
 * The stream's events in the API's order: message_start, then per block content_block_start, its deltas
 * (what `reset-mid-stream` counts) and content_block_stop, with a ping after the first block start as the
 * API sends it, then message_delta and message_stop.
 */
export function messageStreamFrames(
  identity: MessageIdentity,
  reply: ResolvedReply,
): StreamFrame[] {
  const pending = {
    ...messageObject(identity, reply),
    content: [],
    stop_reason: null,
    usage: usageOf(reply, 1),
  };
  const events: MessageEvent[] = [
    { type: 'message_start', fields: { message: pending }, role: 'control' },
  ];
  const ping: MessageEvent = { type: 'ping', fields: {}, role: 'control' };
  const blocks = contentBlocks(reply);
  if (blocks.length === 0) events.push(ping);
  blocks.forEach((block, index) => {
    events.push({
      type: 'content_block_start',
      fields: { index, content_block: emptyBlock(block) },
      role: 'control',
    });
    if (index === 0) events.push(ping);
    for (const delta of blockDeltas(reply, block)) {
      events.push({ type: 'content_block_delta', fields: { index, delta }, role: 'content' });
    }
    events.push({ type: 'content_block_stop', fields: { index }, role: 'control' });
  });
  events.push(
    {
      type: 'message_delta',
      fields: {
        delta: { stop_reason: reply.stopReason, stop_sequence: null },
        usage: {
          input_tokens: reply.inputTokens,
          cache_creation_input_tokens: reply.cacheWriteTokens,
          cache_read_input_tokens: reply.cacheReadTokens,
          output_tokens: reply.outputTokens,
        },
      },
      role: 'closing',
    },
    { type: 'message_stop', fields: {}, role: 'closing' },
  );
  return events.map(({ type, fields, role }) =>
    frame(role, sse(JSON.stringify({ type, ...fields }), { event: type })),
  );
}

/** "claude-sonnet-4-5-20250929" → "Claude Sonnet 4.5"; any other id is its own display name. */
function displayName(id: string): string {
  const match = /^claude-([a-z]+)-(\d+)(?:-(\d))?(?:-\d{8})?$/.exec(id);
  if (!match) return id;
  const [, family = '', major, minor] = match;
  const version = minor === undefined ? major : `${major}.${minor}`;
  return `Claude ${family.charAt(0).toUpperCase()}${family.slice(1)} ${version}`;
}

export function modelObject(id: string) {
  const date = /-(\d{4})(\d{2})(\d{2})$/.exec(id);
  return {
    type: 'model',
    id,
    display_name: displayName(id),
    created_at: date ? `${date[1]}-${date[2]}-${date[3]}T00:00:00Z` : MODEL_CREATED_AT,
  };
}

export function modelList(ids: readonly string[]) {
  return {
    data: ids.map(modelObject),
    has_more: false,
    first_id: ids[0] ?? null,
    last_id: ids[ids.length - 1] ?? null,
  };
}
