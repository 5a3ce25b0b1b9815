// Planning embeddings in both formats that have them: OpenAI `POST /v1/embeddings` and Gemini `:embedContent` /
// `:batchEmbedContents`. Served by OpenAI-format and Gemini channels alike: same format is a pass-through (the
// client's body with only the model mapped and the gateway's extensions removed); across formats the texts
// are translated by libs/protocols. Gemini reports no token usage for embeddings, so it is estimated there.
// Pure: the body in, the plan (relay-plan.ts) or the 400 out.
import {
  EmbeddingsRequest,
  GATEWAY_EXTENSION_FIELDS,
  estimateEmbeddingTokens,
  geminiEmbeddingsRequest,
  openAIEmbeddingsRequest,
  parseGeminiEmbeddings,
  parseGeminiEmbeddingsResponse,
  parseOpenAIEmbeddings,
  parseOpenAIEmbeddingsResponse,
  renderGeminiEmbeddings,
  renderOpenAIEmbeddings,
} from '@relaymesh/protocols';
import { NO_PREFERENCES } from '@relaymesh/routing';
import { GatewayError } from '../http/gateway-error';
import { protocolError } from './generation-plan';
import { EmbeddingsPlan } from './relay-plan';

/** Gemini's embedding call, from the path: `<model>:embedContent` or `<model>:batchEmbedContents`. */
export interface GeminiEmbedCall {
  model: string;
  batch: boolean;
}

/** An embeddings request as planned, with the client's body (the credit reservation estimates from it). */
export interface PlannedEmbeddings {
  plan: EmbeddingsPlan;
  body: Record<string, unknown>;
  /** Why no channel could serve it, when only its own family can and none did (OpenAI token arrays). */
  untranslatable: GatewayError | null;
}

const scopeOf = (model: string) => ({
  model,
  models: [model],
  preferences: NO_PREFERENCES,
  stream: false,
});

/** OpenAI `POST /v1/embeddings`. */
export function planOpenAIEmbeddings(body: unknown): PlannedEmbeddings {
  const request = jsonObject(body);
  const model = request['model'];
  if (typeof model !== 'string' || model === '') {
    throw new GatewayError(400, 'you must provide a model parameter', {
      param: 'model',
      code: 'missing_required_parameter',
    });
  }
  const input = request['input'];
  if (
    input === undefined ||
    input === null ||
    input === '' ||
    (Array.isArray(input) && input.length === 0)
  ) {
    throw new GatewayError(400, "'input' is required and must not be empty", {
      param: 'input',
      code: 'missing_required_parameter',
    });
  }
  const texts = parseOpenAIEmbeddings(request);
  const encoding = request['encoding_format'] === 'base64' ? 'base64' : 'float';
  return {
    body: request,
    untranslatable: texts.ok ? null : protocolError(texts.error),
    plan: {
      kind: 'embeddings',
      scope: scopeOf(model),
      clientFamily: 'openai',
      // Token-array inputs have no Gemini form: OpenAI-format channels only.
      translatable: texts.ok,
      passThrough: (upstreamModel) => ({
        path: '/v1/embeddings',
        body: JSON.stringify(withoutExtensions({ ...request, model: upstreamModel })),
      }),
      translated: (upstreamModel) => geminiEmbeddingsRequest(embeddingsOf(texts), upstreamModel),
      parseTranslated: parseGeminiEmbeddingsResponse,
      render: (result, tokens) => renderOpenAIEmbeddings(result, model, tokens, encoding),
      estimate: () => (texts.ok ? estimateEmbeddingTokens(texts.request) : 0),
    },
  };
}

/** Gemini `:embedContent` and `:batchEmbedContents`. */
export function planGeminiEmbeddings(call: GeminiEmbedCall, body: unknown): PlannedEmbeddings {
  const request = jsonObject(body);
  const texts = parseGeminiEmbeddings(request, call.batch);
  if (!texts.ok) throw protocolError(texts.error);
  const method = call.batch ? 'batchEmbedContents' : 'embedContent';
  return {
    body: request,
    untranslatable: null,
    plan: {
      kind: 'embeddings',
      scope: scopeOf(call.model),
      clientFamily: 'gemini',
      translatable: true,
      passThrough: (upstreamModel) => ({
        path: `/v1beta/models/${encodeURIComponent(upstreamModel)}:${method}`,
        body: JSON.stringify(geminiBodyFor(request, upstreamModel, call.batch)),
      }),
      translated: (upstreamModel) => openAIEmbeddingsRequest(texts.request, upstreamModel),
      parseTranslated: parseOpenAIEmbeddingsResponse,
      render: (result) => renderGeminiEmbeddings(result, call.batch),
      estimate: () => estimateEmbeddingTokens(texts.request),
    },
  };
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError(400, 'The request body must be a JSON object.', {
      code: 'invalid_json',
    });
  }
  return body as Record<string, unknown>;
}

function withoutExtensions(body: Record<string, unknown>): Record<string, unknown> {
  for (const field of GATEWAY_EXTENSION_FIELDS) delete body[field];
  return body;
}

/** The client's Gemini body with the model it names (if any) mapped, in each request of a batch too. */
function geminiBodyFor(
  body: Record<string, unknown>,
  upstreamModel: string,
  batch: boolean,
): Record<string, unknown> {
  const mapped = (request: Record<string, unknown>) =>
    request['model'] === undefined ? request : { ...request, model: `models/${upstreamModel}` };
  if (!batch) return withoutExtensions(mapped({ ...body }));
  const requests = (body['requests'] as Record<string, unknown>[]).map(mapped);
  return withoutExtensions({ ...body, requests });
}

function embeddingsOf(texts: ReturnType<typeof parseOpenAIEmbeddings>): EmbeddingsRequest {
  if (!texts.ok) throw new Error('a token-array input reached a Gemini channel');
  return texts.request;
}
