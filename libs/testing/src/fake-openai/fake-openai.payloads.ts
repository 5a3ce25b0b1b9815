// Builds the response bodies the real API sends (chat.completion, chat.completion.chunk, embeddings, models)
// from a responder's reply. Pure functions: ids and timestamps are passed in so output is easy to reason about.
import { createHash } from 'node:crypto';
import type { ChatContentPart, ChatMessage, ChatReply, ChatRequestBody } from './fake-openai.types';
import type { EmbeddingsRequest } from './fake-openai.validation';

/** Tool-call arguments are streamed in pieces of this many characters, roughly a token each. */
const ARGUMENT_FRAGMENT_CHARS = 8;
const DEFAULT_EMBEDDING_DIMENSIONS = 8;

export interface ResponseIdentity {
  id: string;
  created: number;
  model: string;
  systemFingerprint: string;
}

export interface ResolvedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A reply with every default filled in: what both the JSON and the stream answer are rendered from. */
export interface ResolvedReply {
  text: string | null;
  toolCalls: ResolvedToolCall[];
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  finishReason: string;
}

export function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part: ChatContentPart) => typeof part.text === 'string')
    .map((part) => part.text)
    .join(' ');
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** A deterministic stand-in for a tokenizer: a quarter of the characters of every message, at least 1. */
export function estimatePromptTokens(request: ChatRequestBody): number {
  const chars = request.messages.reduce(
    (sum, message) => sum + contentText(message.content).length,
    0,
  );
  return Math.max(1, Math.ceil(chars / 4));
}

export function defaultResponder(request: ChatRequestBody): ChatReply {
  const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
  return { text: `Hello from fake-openai! You said: ${contentText(lastUser?.content)}` };
}

export function resolveReply(
  request: ChatRequestBody,
  reply: ChatReply,
  newToolCallId: () => string,
): ResolvedReply {
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({ id: newToolCallId(), ...call }));
  // The API answers `content: null` when the model only calls tools.
  const text = reply.text ?? (toolCalls.length > 0 ? null : '');
  const argumentTokens = toolCalls.reduce(
    (sum, call) => sum + Math.ceil((call.name.length + call.arguments.length) / 4),
    0,
  );
  return {
    text,
    toolCalls,
    promptTokens: reply.promptTokens ?? estimatePromptTokens(request),
    completionTokens: reply.completionTokens ?? countWords(text ?? '') + argumentTokens,
    cachedTokens: reply.cachedTokens ?? 0,
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
  };
}

function usageOf(reply: ResolvedReply) {
  return {
    prompt_tokens: reply.promptTokens,
    completion_tokens: reply.completionTokens,
    total_tokens: reply.promptTokens + reply.completionTokens,
    prompt_tokens_details: { cached_tokens: reply.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function chatCompletion(identity: ResponseIdentity, reply: ResolvedReply) {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: reply.text,
    refusal: null,
    annotations: [],
  };
  if (reply.toolCalls.length > 0) {
    message.tool_calls = reply.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason }],
    usage: usageOf(reply),
    service_tier: 'default',
    system_fingerprint: identity.systemFingerprint,
  };
}

/** Splits text into words that keep their trailing whitespace, so the pieces concatenate back exactly. */
export function splitWords(text: string): string[] {
  return text.split(/(?<=\s)(?=\S)/).filter((piece) => piece.length > 0);
}

function fragments(value: string): string[] {
  const chars = Array.from(value); // by code point, so a fragment never splits a surrogate pair
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += ARGUMENT_FRAGMENT_CHARS) {
    pieces.push(chars.slice(i, i + ARGUMENT_FRAGMENT_CHARS).join(''));
  }
  return pieces;
}

/** The SSE payloads of one streamed answer, split where a `reset-mid-stream` fault counts its chunks. */
export interface StreamPlan {
  /** The opening chunk that carries the role. */
  opening: unknown;
  /** Text pieces and tool-call pieces, in order; these are what `afterChunks` counts. */
  content: unknown[];
  /** The finish chunk, then the usage chunk when it was asked for. */
  closing: unknown[];
}

export function chatCompletionChunks(
  identity: ResponseIdentity,
  reply: ResolvedReply,
  includeUsage: boolean,
): StreamPlan {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    service_tier: 'default',
    system_fingerprint: identity.systemFingerprint,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // With include_usage the API puts `usage: null` on every chunk before the usage chunk.
    ...(includeUsage ? { usage: null } : {}),
  });
  const toolCallHead = (call: ResolvedToolCall, index: number) => ({
    index,
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: '' },
  });

  const content: unknown[] = [];
  let opening: unknown;
  const [firstCall] = reply.toolCalls;
  if (reply.text === null && firstCall) {
    // Like the API: a tools-only answer opens with the role and the first call's head in one delta.
    opening = chunk({
      role: 'assistant',
      content: null,
      tool_calls: [toolCallHead(firstCall, 0)],
      refusal: null,
    });
  } else {
    opening = chunk({ role: 'assistant', content: '', refusal: null });
    for (const word of splitWords(reply.text ?? '')) content.push(chunk({ content: word }));
  }
  reply.toolCalls.forEach((call, index) => {
    if (index > 0 || reply.text !== null) {
      content.push(chunk({ tool_calls: [toolCallHead(call, index)] }));
    }
    for (const piece of fragments(call.arguments)) {
      content.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });

  const closing: unknown[] = [chunk({}, reply.finishReason)];
  if (includeUsage) {
    closing.push({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      service_tier: 'default',
      system_fingerprint: identity.systemFingerprint,
      choices: [],
      usage: usageOf(reply),
    });
  }
  return { opening, content, closing };
}

/**
 * A unit vector derived from a hash of the input, so equal inputs embed equally and different ones differ.
 * Values are rounded to float32 so the `float` and `base64` encodings carry exactly the same numbers.
 */
export function embeddingVector(input: string | number[], dimensions: number): number[] {
  const seed = typeof input === 'string' ? input : `tokens:${input.join(',')}`;
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}\u0000${seed}`).digest();
    for (let i = 0; i + 4 <= digest.length && raw.length < dimensions; i += 4) {
      raw.push((digest.readUInt32LE(i) / 0xffffffff) * 2 - 1);
    }
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

/** OpenAI's base64 encoding: the little-endian float32 bytes of the vector. */
export function encodeFloat32Base64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

export function embeddingsResponse(request: EmbeddingsRequest) {
  const dimensions = request.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
  const tokens = request.inputs.reduce(
    (sum, input) =>
      sum + (typeof input === 'string' ? Math.max(1, Math.ceil(input.length / 4)) : input.length),
    0,
  );
  return {
    object: 'list',
    data: request.inputs.map((input, index) => {
      const vector = embeddingVector(input, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: request.encodingFormat === 'base64' ? encodeFloat32Base64(vector) : vector,
      };
    }),
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** A fixed creation time, so model listings are identical from run to run. */
const MODEL_CREATED = 1_700_000_000;

export function modelObject(id: string) {
  return { id, object: 'model', created: MODEL_CREATED, owned_by: 'system' };
}

export function modelList(ids: readonly string[]) {
  return { object: 'list', data: ids.map(modelObject) };
}
