// Gemini `:embedContent` (one text) and `:batchEmbedContents` (several) as an EmbeddingsCodec: served to
// clients, and spoken to Gemini channels (translated from OpenAI's `/v1/embeddings`, or the client's own body on
// a pass-through). The model is named in the path, the method says single or batch.
//
// Dropped in translation: `taskType` and `title` (OpenAI has no such hints).
import type { ProtocolError } from '../errors';
import {
  embeddingVector,
  type EmbeddingsParse,
  type EmbeddingsRequest,
  type EmbeddingsResult,
} from '../hub/embeddings';
import { isGatewayExtension } from '../hub/gateway-extensions';
import type { EmbeddingsCodec } from '../hub/protocol-adapter';

export const geminiEmbeddings: EmbeddingsCodec = {
  parseRequest(body, { urlModel, batch }) {
    const texts = parseGeminiEmbeddings(body, batch);
    if (!texts.ok) return texts;
    if (urlModel === null) return invalid('model is not specified', 'model');
    const method = batch ? 'batchEmbedContents' : 'embedContent';
    return {
      ok: true,
      request: {
        model: urlModel,
        texts,
        passThrough: (upstreamModel) => ({
          path: `/v1beta/models/${encodeURIComponent(upstreamModel)}:${method}`,
          body: JSON.stringify(geminiBodyFor(body, upstreamModel, batch)),
        }),
        render: (result) => renderGeminiEmbeddings(result, batch),
      },
    };
  },
  buildRequest: geminiEmbeddingsRequest,
  parseResponse: parseGeminiEmbeddingsResponse,
};

/** The texts of a Gemini `embedContent` (one) or `batchEmbedContents` (several) body. */
function parseGeminiEmbeddings(body: Record<string, unknown>, batch: boolean): EmbeddingsParse {
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

function invalid(message: string, param: string): { ok: false; error: ProtocolError } {
  return {
    ok: false,
    error: { status: 400, type: 'invalid_request_error', code: 'invalid_value', param, message },
  };
}

/** The client's body with the model it names (if any) mapped, in each request of a batch too. */
function geminiBodyFor(
  body: Record<string, unknown>,
  upstreamModel: string,
  batch: boolean,
): Record<string, unknown> {
  const mapped = (request: Record<string, unknown>) =>
    request['model'] === undefined ? request : { ...request, model: `models/${upstreamModel}` };
  const forwarded = batch
    ? { ...body, requests: (body['requests'] as Record<string, unknown>[]).map(mapped) }
    : mapped({ ...body });
  return Object.fromEntries(Object.entries(forwarded).filter(([key]) => !isGatewayExtension(key)));
}

/** `batchEmbedContents` for any number of texts (Gemini's single call takes one). */
function geminiEmbeddingsRequest(
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

function parseGeminiEmbeddingsResponse(json: unknown): EmbeddingsResult {
  const record = json as { embeddings?: { values?: unknown }[]; embedding?: { values?: unknown } };
  const list = record.embeddings ?? (record.embedding ? [record.embedding] : []);
  return { vectors: list.map((item) => embeddingVector(item.values)), promptTokens: null };
}

function renderGeminiEmbeddings(result: EmbeddingsResult, batch: boolean): unknown {
  return batch
    ? { embeddings: result.vectors.map((values) => ({ values })) }
    : { embedding: { values: result.vectors[0] ?? [] } };
}
