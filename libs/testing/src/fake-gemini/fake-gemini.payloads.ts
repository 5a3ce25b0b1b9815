// Builds what the Gemini API sends (GenerateContentResponse, its stream chunks in both framings, token
// counts, embeddings, models) from a responder's reply. Pure functions: ids are passed in.
import { frame, sse, type StreamFrame } from '../fake-upstream/fake-upstream.stream';
import {
  countWords,
  embeddingVector,
  estimateTokens,
  splitWords,
} from '../fake-upstream/fake-upstream.text';
import type {
  GeminiContent,
  GeminiPart,
  GeminiReply,
  GeminiRequestBody,
} from './fake-gemini.types';

const DEFAULT_EMBEDDING_DIMENSIONS = 8;

export interface ResponseIdentity {
  responseId: string;
  modelVersion: string;
}

/** A reply with every default filled in: what both the JSON and the stream answer are rendered from. */
export interface ResolvedReply {
  thought: string | null;
  text: string | null;
  functionCalls: { name: string; args: Record<string, unknown> }[];
  promptTokens: number;
  candidatesTokens: number;
  cachedTokens: number;
  thoughtsTokens: number;
  finishReason: string;
  /**
   * The thought signature of the answer (the fake's own, which it verifies when it comes back), where Gemini
   * puts one: on the first function call, else on the text after a thought; null when neither is there.
   */
  signature: string | null;
}

function contentText(content: GeminiContent | undefined): string {
  return (content?.parts ?? [])
    .map((part) => part.text)
    .filter((text): text is string => typeof text === 'string')
    .join(' ');
}

/** A deterministic stand-in for the tokenizer: a quarter of the characters of the system and contents. */
export function estimatePromptTokens(request: GeminiRequestBody): number {
  const texts = [request.systemInstruction, ...request.contents].map(contentText);
  return estimateTokens(texts.join(' ').trim().length);
}

export function defaultResponder(request: GeminiRequestBody): GeminiReply {
  const lastUser = [...request.contents].reverse().find((content) => content.role !== 'model');
  return { text: `Hello from fake-gemini! You said: ${contentText(lastUser)}` };
}

export function resolveReply(
  request: GeminiRequestBody,
  reply: GeminiReply,
  sign: () => string,
): ResolvedReply {
  const functionCalls = reply.functionCalls ?? [];
  const text = reply.text ?? (functionCalls.length > 0 ? null : '');
  const callTokens = functionCalls.reduce(
    (sum, call) => sum + estimateTokens(call.name.length + JSON.stringify(call.args).length),
    0,
  );
  return {
    thought: reply.thought ?? null,
    text,
    functionCalls,
    promptTokens: reply.promptTokens ?? estimatePromptTokens(request),
    candidatesTokens: reply.candidatesTokens ?? countWords(text ?? '') + callTokens,
    cachedTokens: reply.cachedTokens ?? 0,
    thoughtsTokens: reply.thoughtsTokens ?? countWords(reply.thought ?? ''),
    finishReason: reply.finishReason ?? 'STOP',
    signature:
      functionCalls.length > 0 || (reply.thought !== undefined && text !== null && text !== '')
        ? sign()
        : null,
  };
}

/** The API leaves zero cached and thought counts out rather than sending 0. */
function usageMetadata(reply: ResolvedReply) {
  return {
    promptTokenCount: reply.promptTokens,
    candidatesTokenCount: reply.candidatesTokens,
    totalTokenCount: reply.promptTokens + reply.candidatesTokens + reply.thoughtsTokens,
    ...(reply.cachedTokens > 0 ? { cachedContentTokenCount: reply.cachedTokens } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: reply.promptTokens }],
    ...(reply.thoughtsTokens > 0 ? { thoughtsTokenCount: reply.thoughtsTokens } : {}),
  };
}

function replyParts(reply: ResolvedReply): GeminiPart[] {
  const parts: GeminiPart[] = [];
  if (reply.thought !== null) parts.push({ text: reply.thought, thought: true });
  if (reply.text !== null) parts.push({ text: reply.text });
  for (const call of reply.functionCalls) {
    parts.push({ functionCall: { name: call.name, args: call.args } });
  }
  return signParts(parts, reply.signature);
}

/** The signature on the first function call, else on the first text that is not a thought. */
function signParts(parts: GeminiPart[], signature: string | null): GeminiPart[] {
  if (signature === null) return parts;
  const at = parts.findIndex((p) => p.functionCall !== undefined);
  const target = at >= 0 ? at : parts.findIndex((p) => p.thought !== true && p.text !== undefined);
  if (target < 0) return parts;
  return parts.map((part, i) => (i === target ? { ...part, thoughtSignature: signature } : part));
}

function response(
  identity: ResponseIdentity,
  parts: GeminiPart[],
  finish: ResolvedReply | null,
): Record<string, unknown> {
  return {
    candidates: [
      {
        content: { parts, role: 'model' },
        ...(finish ? { finishReason: finish.finishReason } : {}),
        index: 0,
      },
    ],
    ...(finish ? { usageMetadata: usageMetadata(finish) } : {}),
    modelVersion: identity.modelVersion,
    responseId: identity.responseId,
  };
}

export function generateContentResponse(identity: ResponseIdentity, reply: ResolvedReply) {
  return response(identity, replyParts(reply), reply);
}

/**
 * The chunks of a streamed answer: one per word of the thought and of the text, the function calls whole in
 * one chunk, and finishReason with usageMetadata on the last chunk.
 */
export function streamChunks(
  identity: ResponseIdentity,
  reply: ResolvedReply,
): Record<string, unknown>[] {
  const texts = splitWords(reply.text ?? '').map((text): GeminiPart[] => [{ text }]);
  const calls = reply.functionCalls.map(({ name, args }) => ({ functionCall: { name, args } }));
  const pieces: GeminiPart[][] = [
    ...splitWords(reply.thought ?? '').map((text) => [{ text, thought: true }]),
    ...(calls.length > 0 || texts.length === 0
      ? texts
      : [signParts(texts[0], reply.signature), ...texts.slice(1)]),
  ];
  if (calls.length > 0) pieces.push(signParts(calls, reply.signature));
  // An empty answer still ends with one chunk, carrying an empty text part.
  if (pieces.length === 0) pieces.push([{ text: '' }]);
  return pieces.map((parts, i) =>
    response(identity, parts, i === pieces.length - 1 ? reply : null),
  );
}

/**
 * The stream as written: with `alt=sse`, one `data:` event per chunk framed with CRLF; without it, one JSON
 * array written piece by piece (`[` + first chunk, `,\r\n` + each next chunk, `]`). The last chunk (and the
 * array's `]`) close the stream, so a `reset-mid-stream` fault never sends the finish reason.
 */
export function streamFrames(chunks: Record<string, unknown>[], asSse: boolean): StreamFrame[] {
  const frames = chunks.map((chunk, i) => {
    const json = JSON.stringify(chunk);
    const wire = asSse ? sse(json, { lineEnd: '\r\n' }) : `${i === 0 ? '[' : ',\r\n'}${json}`;
    return frame(i === chunks.length - 1 ? 'closing' : 'content', wire);
  });
  if (!asSse) frames.push(frame('closing', ']'));
  return frames;
}

export function countTokensResponse(request: GeminiRequestBody) {
  const tokens = estimatePromptTokens(request);
  return { totalTokens: tokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: tokens }] };
}

export function embedding(text: string, dimensions: number | undefined) {
  return { values: embeddingVector(text, dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS) };
}

function titleCase(word: string): string {
  return /^\d/.test(word) ? word : `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

/** A model as `GET /v1beta/models` describes it; embedding models support embedding, the rest generation. */
export function modelObject(id: string) {
  const isEmbedding = id.includes('embedding');
  return {
    name: `models/${id}`,
    version: '001',
    displayName: id.split('-').map(titleCase).join(' '),
    description: `Fake ${id}`,
    inputTokenLimit: isEmbedding ? 2048 : 1_048_576,
    outputTokenLimit: isEmbedding ? 1 : 65_536,
    supportedGenerationMethods: isEmbedding
      ? ['embedContent', 'countTextTokens', 'countTokens']
      : ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    ...(isEmbedding
      ? {}
      : { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true }),
  };
}

export function modelList(ids: readonly string[]) {
  return { models: ids.map(modelObject) };
}
