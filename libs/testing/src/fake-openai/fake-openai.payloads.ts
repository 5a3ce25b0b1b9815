// Builds the response bodies the real API sends (chat.completion, chat.completion.chunk, embeddings, models)
// from a responder's reply. Pure functions: ids and timestamps are passed in so output is easy to reason about.
import { frame, sse, type StreamFrame } from '../fake-upstream/fake-upstream.stream';
import {
  countWords,
  embeddingVector,
  estimateTokens,
  fragments,
  splitWords,
} from '../fake-upstream/fake-upstream.text';
import type { ChatContentPart, ChatMessage, ChatReply, ChatRequestBody } from './fake-openai.types';
import type { EmbeddingsRequest } from './fake-openai.validation';

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

/** A deterministic stand-in for a tokenizer: a quarter of the characters of every message, at least 1. */
export function estimatePromptTokens(request: ChatRequestBody): number {
  const chars = request.messages.reduce(
    (sum, message) => sum + contentText(message.content).length,
    0,
  );
  return estimateTokens(chars);
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

/**
 * The frames of one streamed chat answer: the opening role chunk, the text and tool-call pieces (what a
 * `reset-mid-stream` fault counts), then the finish chunk, the usage chunk when asked for, and `[DONE]`.
 */
export function chatCompletionFrames(
  identity: ResponseIdentity,
  reply: ResolvedReply,
  includeUsage: boolean,
): StreamFrame[] {
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
  const data = (payload: unknown) => sse(JSON.stringify(payload));
  return [
    frame('control', data(opening)),
    ...content.map((payload) => frame('content', data(payload))),
    ...closing.map((payload) => frame('closing', data(payload))),
    frame('closing', sse('[DONE]')),
  ];
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
