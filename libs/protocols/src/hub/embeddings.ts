// Embeddings as the hub holds them: the texts to embed and the vector size asked for, and the vectors back. The
// formats that have embeddings (OpenAI `/v1/embeddings`, Gemini `:embedContent` / `:batchEmbedContents`) each
// give their adapter an `EmbeddingsCodec` (protocol-adapter.ts); same format on both sides is a pass-through,
// across formats the texts go through here. Text inputs only: OpenAI token-array inputs have no Gemini form.
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

/** The vector of one embedding, as the upstream sent it. */
export function embeddingVector(value: unknown): number[] {
  if (!Array.isArray(value)) throw new Error('an embedding without a vector of numbers');
  return value as number[];
}

/** Embedding inputs have no reported usage on Gemini: about four characters a token. */
export function estimateEmbeddingTokens(request: EmbeddingsRequest): number {
  return request.inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
}

export function embeddingsUsage(promptTokens: number): TokenUsage {
  return { inputTokens: promptTokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}
