// Embeddings across formats: OpenAI `/v1/embeddings` and Gemini `:embedContent` / `:batchEmbedContents`. Same
// format on both sides is a pass-through (ingress relays it); these pure functions translate the request and
// the answer when the client's format and the channel's differ. Text inputs only: OpenAI token-array inputs
// have no Gemini equivalent and go to OpenAI-format channels alone.
//
// Dropped in translation: OpenAI `user`; Gemini `taskType` and `title` (OpenAI has no such hints).
import type { ProtocolError } from '../errors';
import type { TokenUsage } from '../usage';

/** An embeddings request in neither format: the texts, in order, and the vector size asked for. */
export interface EmbeddingsRequest {
  inputs: string[];
  dimensions: number | null;
}

export type EmbeddingsParse =
  { ok: true; request: EmbeddingsRequest } | { ok: false; error: ProtocolError };

export interface EmbeddingsResult {
  vectors: number[][];
  /** Null when the upstream reports none (Gemini); ingress then estimates. */
  promptTokens: number | null;
}

const unsupported = (message: string, param: string): EmbeddingsParse => ({
  ok: false,
  error: { status: 400, type: 'invalid_request_error', code: 'unsupported_value', param, message },
});

/** An OpenAI embeddings body ingress already validated (model and non-empty input), as texts. */
export function parseOpenAIEmbeddings(body: Record<string, unknown>): EmbeddingsParse {
  const input = body['input'];
  const inputs = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(inputs) || !inputs.every((item) => typeof item === 'string')) {
    return unsupported('Only text inputs can be embedded by a non-OpenAI channel.', 'input');
  }
  const dimensions = body['dimensions'];
  return {
    ok: true,
    request: {
      inputs: inputs,
      dimensions: typeof dimensions === 'number' ? dimensions : null,
    },
  };
}

/** The texts of a Gemini `embedContent` (one) or `batchEmbedContents` (several) body. */
export function parseGeminiEmbeddings(
  body: Record<string, unknown>,
  batch: boolean,
): EmbeddingsParse {
  const requests = batch ? body['requests'] : [body];
  if (!Array.isArray(requests) || requests.length === 0) {
    return invalid('requests is not specified', 'requests');
  }
  const inputs: string[] = [];
  let dimensions: number | null = null;
  for (const request of requests as unknown[]) {
    const record = (typeof request === 'object' && request !== null ? request : {}) as Record<
      string,
      unknown
    >;
    const content = record['content'] as { parts?: unknown } | undefined;
    if (!content || !Array.isArray(content.parts)) {
      return invalid('content is not specified', 'content');
    }
    inputs.push(
      (content.parts as { text?: unknown }[])
        .map((part) => (typeof part.text === 'string' ? part.text : ''))
        .join(' '),
    );
    const size = record['outputDimensionality'] ?? record['output_dimensionality'];
    if (typeof size === 'number') dimensions = size;
  }
  return { ok: true, request: { inputs, dimensions } };
}

function invalid(message: string, param: string): EmbeddingsParse {
  return {
    ok: false,
    error: { status: 400, type: 'invalid_request_error', code: 'invalid_value', param, message },
  };
}

/** `batchEmbedContents` for any number of texts (Gemini's single call takes one). */
export function geminiEmbeddingsRequest(
  request: EmbeddingsRequest,
  upstreamModel: string,
): { path: string; body: string } {
  return {
    path: `/v1beta/models/${encodeURIComponent(upstreamModel)}:batchEmbedContents`,
    body: JSON.stringify({
      requests: request.inputs.map((text) => ({
        model: `models/${upstreamModel}`,
        content: { parts: [{ text }] },
        ...(request.dimensions === null ? {} : { outputDimensionality: request.dimensions }),
      })),
    }),
  };
}

export function openAIEmbeddingsRequest(
  request: EmbeddingsRequest,
  upstreamModel: string,
): { path: string; body: string } {
  return {
    path: '/v1/embeddings',
    body: JSON.stringify({
      model: upstreamModel,
      input: request.inputs,
      encoding_format: 'float',
      ...(request.dimensions === null ? {} : { dimensions: request.dimensions }),
    }),
  };
}

export function parseGeminiEmbeddingsResponse(json: unknown): EmbeddingsResult {
  const record = json as { embeddings?: { values?: unknown }[]; embedding?: { values?: unknown } };
  const list = record.embeddings ?? (record.embedding ? [record.embedding] : []);
  return { vectors: list.map((item) => numbers(item.values)), promptTokens: null };
}

export function parseOpenAIEmbeddingsResponse(json: unknown): EmbeddingsResult {
  const record = json as {
    data?: { index?: number; embedding?: unknown }[];
    usage?: { prompt_tokens?: unknown };
  };
  const data = [...(record.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const tokens = record.usage?.prompt_tokens;
  return {
    vectors: data.map((item) => numbers(item.embedding)),
    promptTokens: typeof tokens === 'number' ? tokens : null,
  };
}

function numbers(value: unknown): number[] {
  if (!Array.isArray(value)) throw new Error('an embedding without a vector of numbers');
  return value as number[];
}

/**
 * The OpenAI answer. `base64` is the little-endian float32 encoding the OpenAI SDKs ask for by default and
 * decode themselves.
 */
export function renderOpenAIEmbeddings(
  result: EmbeddingsResult,
  model: string,
  promptTokens: number,
  encoding: 'float' | 'base64',
): unknown {
  return {
    object: 'list',
    data: result.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encoding === 'base64' ? float32Base64(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

export function renderGeminiEmbeddings(result: EmbeddingsResult, batch: boolean): unknown {
  return batch
    ? { embeddings: result.vectors.map((values) => ({ values })) }
    : { embedding: { values: result.vectors[0] ?? [] } };
}

function float32Base64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** Embedding inputs have no reported usage on Gemini: about four characters a token. */
export function estimateEmbeddingTokens(request: EmbeddingsRequest): number {
  return request.inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
}

export function embeddingsUsage(promptTokens: number): TokenUsage {
  return { inputTokens: promptTokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}
