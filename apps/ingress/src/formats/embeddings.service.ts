// Embeddings in both formats that have them: OpenAI `POST /v1/embeddings` and Gemini `:embedContent` /
// `:batchEmbedContents`. Served by OpenAI-format and Gemini channels alike: same format is a pass-through (the
// client's body with only the model mapped and the gateway's extensions removed); across formats the texts
// are translated by libs/protocols. Gemini reports no token usage for embeddings, so it is estimated there.
import { Injectable } from '@nestjs/common';
import {
  EmbeddingsRequest,
  EmbeddingsResult,
  GATEWAY_EXTENSION_FIELDS,
  ProtocolError,
  embeddingsUsage,
  estimateEmbeddingTokens,
  gemini,
  geminiEmbeddingsRequest,
  openAIChat,
  openAIEmbeddingsRequest,
  parseGeminiEmbeddings,
  parseGeminiEmbeddingsResponse,
  parseOpenAIEmbeddings,
  parseOpenAIEmbeddingsResponse,
  renderGeminiEmbeddings,
  renderOpenAIEmbeddings,
} from '@relaymesh/protocols';
import type { FastifyReply } from 'fastify';
import { Dispatcher } from 'undici';
import { CreditGuard } from '../credit/credit-guard.service';
import { GatewayError } from '../http/gateway-error';
import { RequestTrace } from '../http/request-trace';
import { Authenticator } from '../keys/authenticator.service';
import { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import { AttemptContext, AttemptResult, UpstreamCaller } from '../upstream/upstream-call.service';
import { RateLimiter } from '../limits/rate-limiter.service';
import { readJsonAnswer, relayJson, upstreamHeaders } from './format.service';

const OPENAI_TYPES = new Set(['openai', 'openai-compatible']);

/** Which side of the translation a channel is on. */
function familyOf(channel: IngressChannel): 'openai' | 'gemini' | null {
  if (OPENAI_TYPES.has(channel.type)) return 'openai';
  return channel.type === 'gemini' ? 'gemini' : null;
}

/** Gemini's embedding call, from the URL: `<model>:embedContent` or `<model>:batchEmbedContents`. */
export interface GeminiEmbedCall {
  model: string;
  batch: boolean;
}

@Injectable()
export class EmbeddingsService {
  constructor(
    private readonly auth: Authenticator,
    private readonly upstream: UpstreamCaller,
    private readonly limiter: RateLimiter,
    private readonly credit: CreditGuard,
  ) {}

  /** OpenAI `POST /v1/embeddings`. */
  async embedOpenAI(
    trace: RequestTrace,
    body: unknown,
    reply: FastifyReply,
    signal: AbortSignal,
  ): Promise<void> {
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
    await this.untranslatableIfUnserved(texts, () =>
      this.route(trace, model, signal, {
        // Token-array inputs have no Gemini form: OpenAI-format channels only.
        supports: (family) => family === 'openai' || texts.ok,
        passThrough: (upstreamModel) => ({
          path: '/v1/embeddings',
          body: JSON.stringify(withoutExtensions({ ...request, model: upstreamModel })),
        }),
        translated: (upstreamModel) => geminiEmbeddingsRequest(embeddingsOf(texts), upstreamModel),
        parseTranslated: parseGeminiEmbeddingsResponse,
        render: (result, tokens) => renderOpenAIEmbeddings(result, model, tokens, encoding),
        clientFamily: 'openai',
        estimate: () => (texts.ok ? estimateEmbeddingTokens(texts.request) : 0),
        reply,
        body: request,
      }),
    );
  }

  /** A request only OpenAI channels can take, with none to take it, says why rather than "no channel". */
  private async untranslatableIfUnserved(
    texts: ReturnType<typeof parseOpenAIEmbeddings>,
    serve: () => Promise<void>,
  ): Promise<void> {
    try {
      await serve();
    } catch (err) {
      if (!texts.ok && err instanceof GatewayError && err.details.code === 'no_available_channel') {
        throw protocolError(texts.error);
      }
      throw err;
    }
  }

  /** Gemini `:embedContent` and `:batchEmbedContents`. */
  async embedGemini(
    trace: RequestTrace,
    call: GeminiEmbedCall,
    body: unknown,
    reply: FastifyReply,
    signal: AbortSignal,
  ): Promise<void> {
    const request = jsonObject(body);
    const texts = parseGeminiEmbeddings(request, call.batch);
    if (!texts.ok) throw protocolError(texts.error);
    const method = call.batch ? 'batchEmbedContents' : 'embedContent';
    await this.route(trace, call.model, signal, {
      supports: () => true,
      passThrough: (upstreamModel) => ({
        path: `/v1beta/models/${encodeURIComponent(upstreamModel)}:${method}`,
        body: JSON.stringify(geminiBodyFor(request, upstreamModel, call.batch)),
      }),
      translated: (upstreamModel) => openAIEmbeddingsRequest(texts.request, upstreamModel),
      parseTranslated: parseOpenAIEmbeddingsResponse,
      render: (result) => renderGeminiEmbeddings(result, call.batch),
      clientFamily: 'gemini',
      estimate: () => estimateEmbeddingTokens(texts.request),
      reply,
      body: request,
    });
  }

  private async route(
    trace: RequestTrace,
    model: string,
    signal: AbortSignal,
    plan: {
      /** The client's body, for the credit reservation's input estimate. */
      body: Record<string, unknown>;
      supports: (family: 'openai' | 'gemini') => boolean;
      passThrough: (upstreamModel: string) => { path: string; body: string };
      translated: (upstreamModel: string) => { path: string; body: string };
      parseTranslated: (json: unknown) => EmbeddingsResult;
      render: (result: EmbeddingsResult, promptTokens: number) => unknown;
      clientFamily: 'openai' | 'gemini';
      estimate: () => number;
      reply: FastifyReply;
    },
  ): Promise<void> {
    const key = trace.key!;
    trace.model = model;
    this.auth.authorize(key, model);
    await this.limiter.admit(trace);
    await this.credit.admit(trace, key, model, plan.body);
    const adapterOf = (family: 'openai' | 'gemini') => (family === 'openai' ? openAIChat : gemini);
    return this.upstream.route({
      group: key.group,
      model,
      stream: false,
      signal,
      trace,
      supports: (channel) => {
        const family = familyOf(channel);
        return family !== null && plan.supports(family);
      },
      build: (channel, upstreamModel) => {
        const family = familyOf(channel)!;
        const built =
          family === plan.clientFamily
            ? plan.passThrough(upstreamModel)
            : plan.translated(upstreamModel);
        return { ...built, headers: upstreamHeaders(channel, adapterOf(family), {}, {}) };
      },
      consume: async (response, attempt) => {
        const family = familyOf(attempt.channel)!;
        if (family === plan.clientFamily) {
          const relayed = await relayJson(response, plan.reply, attempt, adapterOf(family));
          // Gemini reports no usage for embeddings; OpenAI's `prompt_tokens` was read by the relay.
          attempt.trace.usage ??= embeddingsUsage(plan.estimate());
          return relayed;
        }
        return translate(response, attempt, plan);
      },
    });
  }
}

async function translate(
  response: Dispatcher.ResponseData,
  attempt: AttemptContext,
  plan: {
    parseTranslated: (json: unknown) => EmbeddingsResult;
    render: (result: EmbeddingsResult, promptTokens: number) => unknown;
    estimate: () => number;
    reply: FastifyReply;
  },
): Promise<AttemptResult<void>> {
  const answer = await readJsonAnswer(response, attempt);
  if ('ok' in answer) return answer;
  let result: EmbeddingsResult;
  try {
    result = plan.parseTranslated(answer.value);
  } catch (err) {
    return {
      ok: false,
      errorClass: 'server',
      status: response.statusCode,
      message: `${attempt.channel.name}: unreadable embeddings answer (${(err as Error).message})`,
      reason: 'unreadable',
    };
  }
  attempt.committed();
  const tokens = result.promptTokens ?? plan.estimate();
  attempt.trace.usage = embeddingsUsage(tokens);
  attempt.trace.firstByteAt = performance.now();
  await plan.reply.code(200).send(plan.render(result, tokens));
  return { ok: true, value: undefined };
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

function protocolError(error: ProtocolError): GatewayError {
  return new GatewayError(error.status, error.message, {
    type: error.type,
    code: error.code,
    param: error.param,
  });
}
