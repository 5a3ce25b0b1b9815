// A fake Gemini (Generative Language API) upstream for tests and the benchmark: speaks generateContent and
// streamGenerateContent in both framings (SSE with `alt=sse`, a streamed JSON array without), countTokens,
// embedContent and the model list; validates like the real API, records every request and plays scripted
// faults (the recording, faults and streaming come from FakeUpstream).
import type { ServerResponse } from 'node:http';
import {
  FakeUpstream,
  type IncomingCall,
  type ParsedBody,
  type ResponsePlan,
  type UpstreamError,
} from '../fake-upstream/fake-upstream.server';
import { FakeSigner } from '../fake-upstream/fake-upstream.signer';
import { randomAlphanumeric } from '../fake-upstream/fake-upstream.text';
import {
  errorForStatus,
  internalError,
  invalidApiKey,
  malformedJson,
  missingApiKey,
  modelNotFound,
  notFound,
} from './fake-gemini.errors';
import {
  countTokensResponse,
  defaultResponder,
  embedding,
  generateContentResponse,
  modelList,
  modelObject,
  resolveReply,
  streamChunks,
  streamFrames,
} from './fake-gemini.payloads';
import type { FakeGeminiOptions, GeminiResponder } from './fake-gemini.types';
import {
  checkThoughtSignatures,
  validateBatchEmbedRequest,
  validateCountTokensRequest,
  validateEmbedRequest,
  validateGenerateRequest,
} from './fake-gemini.validation';

const DEFAULT_MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-embedding-001'];
/** `/v1beta/models/gemini-2.5-flash:generateContent`: version, model, method. */
const MODEL_METHOD_PATH = /^\/(v1beta|v1)\/models\/([^/:]+):([A-Za-z]+)$/;
/** `/v1beta/models` or `/v1beta/models/gemini-2.5-flash`. */
const MODELS_PATH = /^\/(v1beta|v1)\/models(?:\/([^/:]+))?$/;
const STREAM_METHOD = 'streamGenerateContent';

function requireJson(body: ParsedBody): unknown {
  if (!body.ok) throw malformedJson();
  return body.value;
}

export class FakeGemini extends FakeUpstream<GeminiResponder> {
  private readonly models: readonly string[];
  private readonly signer = new FakeSigner();

  private constructor(options: FakeGeminiOptions) {
    super(options, { responder: defaultResponder, keyPrefix: 'AIza' });
    this.models = options.models ?? DEFAULT_MODELS;
  }

  /** Without `keys`, any key starting with `AIza` is accepted, as `x-goog-api-key` or `?key=`. */
  static async start(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
    const fake = new FakeGemini(options);
    await fake.listen(options.port ?? 0);
    return fake;
  }

  protected override isStreaming(call: IncomingCall): boolean {
    return call.path.endsWith(`:${STREAM_METHOD}`);
  }

  protected override statusFaultBody(status: number): unknown {
    return errorForStatus(status).envelope();
  }

  protected override internalError(): UpstreamError {
    return internalError();
  }

  protected override async route(
    call: IncomingCall,
    res: ServerResponse,
    plan: ResponsePlan,
  ): Promise<void> {
    const modelMethod = MODEL_METHOD_PATH.exec(call.path);
    if (call.method === 'POST' && modelMethod) {
      const [, version = '', model = '', method = ''] = modelMethod;
      this.authenticate(call);
      await this.callModel(call, res, plan, decodeURIComponent(model), method, version);
      return;
    }
    const models = MODELS_PATH.exec(call.path);
    if (call.method === 'GET' && models) {
      this.authenticate(call);
      const [, version = '', id] = models;
      if (id === undefined) {
        this.sendJson(res, 200, modelList(this.models));
        return;
      }
      const model = decodeURIComponent(id);
      if (!this.models.includes(model)) throw modelNotFound(model, version, 'get');
      this.sendJson(res, 200, modelObject(model));
      return;
    }
    throw notFound();
  }

  /** The key comes in the `x-goog-api-key` header or the `key` query parameter. */
  private authenticate(call: IncomingCall): void {
    const key = call.headers['x-goog-api-key'] ?? call.query.key;
    if (key === undefined || key === '') throw missingApiKey();
    if (!this.acceptsKey(key)) throw invalidApiKey();
  }

  private async callModel(
    call: IncomingCall,
    res: ServerResponse,
    plan: ResponsePlan,
    model: string,
    method: string,
    version: string,
  ): Promise<void> {
    switch (method) {
      case 'generateContent':
      case STREAM_METHOD: {
        const request = validateGenerateRequest(requireJson(call.body));
        checkThoughtSignatures(request, model, (signature) => this.signer.verifyOpaque(signature));
        const reply = resolveReply(request, await this.responder(request, model), () =>
          this.signer.signOpaque(),
        );
        const identity = { responseId: randomAlphanumeric(23), modelVersion: model };
        if (method === 'generateContent') {
          this.sendJson(res, 200, generateContentResponse(identity, reply));
          return;
        }
        const asSse = call.query.alt === 'sse';
        await this.sendStream(
          res,
          plan,
          asSse ? 'text/event-stream' : 'application/json; charset=UTF-8',
          streamFrames(streamChunks(identity, reply), asSse),
        );
        return;
      }
      case 'countTokens':
        this.sendJson(
          res,
          200,
          countTokensResponse(validateCountTokensRequest(requireJson(call.body))),
        );
        return;
      case 'embedContent': {
        const request = validateEmbedRequest(requireJson(call.body));
        this.sendJson(res, 200, {
          embedding: embedding(request.text, request.outputDimensionality),
        });
        return;
      }
      case 'batchEmbedContents': {
        const requests = validateBatchEmbedRequest(requireJson(call.body));
        this.sendJson(res, 200, {
          embeddings: requests.map((request) =>
            embedding(request.text, request.outputDimensionality),
          ),
        });
        return;
      }
      default:
        throw modelNotFound(model, version, method);
    }
  }
}
