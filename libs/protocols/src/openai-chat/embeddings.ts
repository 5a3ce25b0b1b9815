// OpenAI `POST /v1/embeddings` as an EmbeddingsCodec: served to clients, and spoken to OpenAI-format channels
// (translated from Gemini's `:embedContent`, or the client's own body on a pass-through).
//
// Dropped in translation: `user` (Gemini has no such field). Token-array inputs stay with OpenAI-format channels.
import type { ProtocolError } from '../errors';
import {
  embeddingVector,
  type EmbeddingsParse,
  type EmbeddingsRequest,
  type EmbeddingsResult,
} from '../hub/embeddings';
import { isGatewayExtension } from '../hub/gateway-extensions';
import type { EmbeddingsCodec } from '../hub/protocol-adapter';

const EMBEDDINGS_PATH = '/v1/embeddings';

export const openAIEmbeddings: EmbeddingsCodec = {
  parseRequest(body) {
    const model = body['model'];
    if (typeof model !== 'string' || model === '') {
      return refused('you must provide a model parameter', 'model');
    }
    const input = body['input'];
    if (
      input === undefined ||
      input === null ||
      input === '' ||
      (Array.isArray(input) && input.length === 0)
    ) {
      return refused("'input' is required and must not be empty", 'input');
    }
    const encoding = body['encoding_format'] === 'base64' ? 'base64' : 'float';
    return {
      ok: true,
      request: {
        model,
        texts: parseOpenAIEmbeddings(body),
        passThrough: (upstreamModel) => ({
          path: EMBEDDINGS_PATH,
          body: JSON.stringify(
            Object.fromEntries(
              Object.entries({ ...body, model: upstreamModel }).filter(
                ([key]) => !isGatewayExtension(key),
              ),
            ),
          ),
        }),
        render: (result, promptTokens) =>
          renderOpenAIEmbeddings(result, model, promptTokens, encoding),
      },
    };
  },
  buildRequest: openAIEmbeddingsRequest,
  parseResponse: parseOpenAIEmbeddingsResponse,
};

function refused(message: string, param: string): { ok: false; error: ProtocolError } {
  return {
    ok: false,
    error: {
      status: 400,
      type: 'invalid_request_error',
      code: 'missing_required_parameter',
      param,
      message,
    },
  };
}

/** The texts of a body with a model and a non-empty input; token arrays are refused as untranslatable. */
function parseOpenAIEmbeddings(body: Record<string, unknown>): EmbeddingsParse {
  const input = body['input'];
  const inputs = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(inputs) || !inputs.every((item) => typeof item === 'string')) {
    return {
      ok: false,
      error: {
        status: 400,
        type: 'invalid_request_error',
        code: 'unsupported_value',
        param: 'input',
        message: 'Only text inputs can be embedded by a non-OpenAI channel.',
      },
    };
  }
  const dimensions = body['dimensions'];
  return {
    ok: true,
    request: { inputs, dimensions: typeof dimensions === 'number' ? dimensions : null },
  };
}

function openAIEmbeddingsRequest(
  request: EmbeddingsRequest,
  upstreamModel: string,
): { path: string; body: string } {
  return {
    path: EMBEDDINGS_PATH,
    body: JSON.stringify({
      model: upstreamModel,
      input: request.inputs,
      encoding_format: 'float',
      ...(request.dimensions === null ? {} : { dimensions: request.dimensions }),
    }),
  };
}

function parseOpenAIEmbeddingsResponse(json: unknown): EmbeddingsResult {
  const record = json as {
    data?: { index?: number; embedding?: unknown }[];
    usage?: { prompt_tokens?: unknown };
  };
  const data = [...(record.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const tokens = record.usage?.prompt_tokens;
  return {
    vectors: data.map((item) => embeddingVector(item.embedding)),
    promptTokens: typeof tokens === 'number' ? tokens : null,
  };
}

/**
 * The OpenAI answer. `base64` is the little-endian float32 encoding the OpenAI SDKs ask for by default and
 * decode themselves.
 */
function renderOpenAIEmbeddings(
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

function float32Base64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}
