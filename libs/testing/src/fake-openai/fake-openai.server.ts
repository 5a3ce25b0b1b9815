// A fake OpenAI upstream for tests and the benchmark: speaks the real wire format well enough for the official
// `openai` SDK (Chat Completions, Responses, embeddings, models), validates like the real API, records every
// request and plays scripted faults (the recording, faults and streaming come from FakeUpstream).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  FakeUpstream,
  type IncomingCall,
  type ParsedBody,
  type ResponsePlan,
  type UpstreamError,
} from '../fake-upstream/fake-upstream.server';
import { randomAlphanumeric } from '../fake-upstream/fake-upstream.text';
import {
  envelopeForStatus,
  incorrectApiKey,
  internalServerError,
  invalidUrl,
  malformedJson,
  missingApiKey,
  modelNotFound,
} from './fake-openai.errors';
import {
  chatCompletion,
  chatCompletionFrames,
  defaultResponder,
  embeddingsResponse,
  modelList,
  modelObject,
  resolveReply,
  type ResponseIdentity,
} from './fake-openai.payloads';
import {
  outputItems,
  responseObject,
  responseStreamFrames,
} from './fake-openai.responses.payloads';
import { toChatRequest, validateResponsesRequest } from './fake-openai.responses.validation';
import type { ChatResponder, FakeOpenAIOptions, ResponseInputItem } from './fake-openai.types';
import { isRecord, validateChatRequest, validateEmbeddingsRequest } from './fake-openai.validation';

const DEFAULT_MODELS = ['gpt-5-mini', 'gpt-4o-mini', 'text-embedding-3-small'];
const MODEL_PATH_PREFIX = '/v1/models/';
const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

function newToolCallId(): string {
  return `call_${randomAlphanumeric(24)}`;
}

export class FakeOpenAI extends FakeUpstream<ChatResponder> {
  private readonly models: readonly string[];
  private readonly systemFingerprint = `fp_${randomBytes(5).toString('hex')}`;
  /** Stored responses (`store` not false): each one's conversation, for `previous_response_id`... */
  private readonly storedResponses = new Map<string, ResponseInputItem[]>();
  /** ...and each output item by id, for `item_reference`. */
  private readonly storedItems = new Map<string, ResponseInputItem>();

  private constructor(options: FakeOpenAIOptions) {
    super(options, { responder: defaultResponder, keyPrefix: 'sk-' });
    this.models = options.models ?? DEFAULT_MODELS;
  }

  /** Without `keys`, any bearer key starting with `sk-` is accepted. */
  static async start(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
    const fake = new FakeOpenAI(options);
    await fake.listen(options.port ?? 0);
    return fake;
  }

  /** Also forgets the stored responses, so an old `previous_response_id` is unknown again. */
  override reset(): void {
    super.reset();
    this.storedResponses.clear();
    this.storedItems.clear();
  }

  protected override prepareResponse(res: ServerResponse): void {
    res.setHeader('x-request-id', `req_${randomBytes(16).toString('hex')}`);
    res.setHeader('openai-version', '2020-10-01');
  }

  protected override isStreaming(call: IncomingCall): boolean {
    return call.body.ok && isRecord(call.body.value) && call.body.value.stream === true;
  }

  protected override statusFaultBody(status: number): unknown {
    return envelopeForStatus(status);
  }

  protected override internalError(): UpstreamError {
    return internalServerError();
  }

  protected override async route(
    call: IncomingCall,
    res: ServerResponse,
    plan: ResponsePlan,
  ): Promise<void> {
    res.setHeader('openai-processing-ms', String(Date.now() - call.receivedAt));
    const { method, path } = call;
    if (method === 'POST' && path === '/v1/chat/completions') {
      this.authenticate(call);
      await this.chatCompletions(res, requireJson(call.body), plan);
    } else if (method === 'POST' && path === '/v1/responses') {
      this.authenticate(call);
      await this.responses(res, requireJson(call.body), plan);
    } else if (method === 'POST' && path === '/v1/embeddings') {
      this.authenticate(call);
      this.sendJson(
        res,
        200,
        embeddingsResponse(validateEmbeddingsRequest(requireJson(call.body))),
      );
    } else if (method === 'GET' && path === '/v1/models') {
      this.authenticate(call);
      this.sendJson(res, 200, modelList(this.models));
    } else if (method === 'GET' && path.startsWith(MODEL_PATH_PREFIX)) {
      this.authenticate(call);
      const id = decodeURIComponent(path.slice(MODEL_PATH_PREFIX.length));
      if (!this.models.includes(id)) throw modelNotFound(id);
      this.sendJson(res, 200, modelObject(id));
    } else {
      throw invalidUrl(method, path);
    }
  }

  private authenticate(call: IncomingCall): void {
    const header = call.headers.authorization;
    const match = header ? /^Bearer\s+(.*)$/i.exec(header.trim()) : null;
    if (!match) throw missingApiKey();
    const key = match[1] ?? '';
    if (!this.acceptsKey(key)) throw incorrectApiKey(key);
  }

  private async chatCompletions(res: ServerResponse, body: unknown, plan: ResponsePlan) {
    const request = validateChatRequest(body);
    const reply = resolveReply(request, await this.responder(request), newToolCallId);
    const identity: ResponseIdentity = {
      id: `chatcmpl-${randomAlphanumeric(29)}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      systemFingerprint: this.systemFingerprint,
    };
    if (request.stream !== true) {
      this.sendJson(res, 200, chatCompletion(identity, reply));
      return;
    }
    const includeUsage = request.stream_options?.include_usage === true;
    await this.sendStream(
      res,
      plan,
      SSE_CONTENT_TYPE,
      chatCompletionFrames(identity, reply, includeUsage),
    );
  }

  private async responses(res: ServerResponse, body: unknown, plan: ResponsePlan) {
    const request = validateResponsesRequest(body, {
      response: (id) => this.storedResponses.get(id),
      item: (id) => this.storedItems.get(id),
    });
    const chatRequest = toChatRequest(request);
    const reply = resolveReply(chatRequest, await this.responder(chatRequest), newToolCallId);
    const identity = {
      id: `resp_${randomBytes(24).toString('hex')}`,
      createdAt: Math.floor(Date.now() / 1000),
      model: request.model,
    };
    const items = outputItems(reply, (prefix) => `${prefix}_${randomBytes(24).toString('hex')}`);
    if (request.store !== false) {
      // An output item is an input item as a later request sends it back.
      const output = items.map((item): ResponseInputItem => ({ ...item }));
      const input = typeof request.input === 'string' ? [] : request.input;
      this.storedResponses.set(identity.id, [...input, ...output]);
      for (const item of output) this.storedItems.set(String(item.id), item);
    }
    if (request.stream !== true) {
      this.sendJson(res, 200, responseObject(identity, request, reply, items));
      return;
    }
    await this.sendStream(
      res,
      plan,
      SSE_CONTENT_TYPE,
      responseStreamFrames(identity, request, reply, items),
    );
  }
}

function requireJson(body: ParsedBody): unknown {
  if (!body.ok) throw malformedJson();
  return body.value;
}
