// A fake Anthropic upstream for tests and the benchmark: speaks the Messages API wire format (JSON and the
// named-event stream), validates like the real API, records every request and plays scripted faults (the
// recording, faults and streaming come from FakeUpstream).
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
  invalidBearerToken,
  malformedJson,
  missingApiKey,
  missingVersion,
  modelNotFound,
  notFound,
} from './fake-anthropic.errors';
import {
  defaultResponder,
  estimateInputTokens,
  messageObject,
  messageStreamFrames,
  modelList,
  modelObject,
  resolveReply,
} from './fake-anthropic.payloads';
import type { AnthropicResponder, FakeAnthropicOptions } from './fake-anthropic.types';
import {
  checkThinkingSignatures,
  validateCountTokensRequest,
  validateMessagesRequest,
} from './fake-anthropic.validation';

const DEFAULT_MODELS = [
  'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5-20251001',
  'claude-opus-4-1-20250805',
];
const MODEL_PATH_PREFIX = '/v1/models/';
const REQUEST_ID_HEADER = 'request-id';
/** Signatures responders chose are remembered up to this many (the fake's own verify without memory). */
const MAX_SCRIPTED_SIGNATURES = 10_000;

function requireJson(body: ParsedBody): unknown {
  if (!body.ok) throw malformedJson();
  return body.value;
}

export class FakeAnthropic extends FakeUpstream<AnthropicResponder> {
  private readonly models: readonly string[];
  private readonly signer = new FakeSigner();
  private readonly scriptedSignatures = new Set<string>();

  private constructor(options: FakeAnthropicOptions) {
    super(options, { responder: defaultResponder, keyPrefix: 'sk-ant-' });
    this.models = options.models ?? DEFAULT_MODELS;
  }

  /** Without `keys`, any key starting with `sk-ant-` is accepted, as `x-api-key` or as a bearer token. */
  static async start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
    const fake = new FakeAnthropic(options);
    await fake.listen(options.port ?? 0);
    return fake;
  }

  protected override prepareResponse(res: ServerResponse): void {
    res.setHeader(REQUEST_ID_HEADER, `req_011CV${randomAlphanumeric(20)}`);
  }

  protected override isStreaming(call: IncomingCall): boolean {
    const body = call.body.ok ? call.body.value : undefined;
    return typeof body === 'object' && body !== null && 'stream' in body && body.stream === true;
  }

  protected override statusFaultBody(status: number, res: ServerResponse): unknown {
    return this.errorBody(errorForStatus(status), res);
  }

  /** The API echoes the `request-id` header in every error body. */
  protected override errorBody(error: UpstreamError, res: ServerResponse): unknown {
    return { ...(error.envelope() as object), request_id: res.getHeader(REQUEST_ID_HEADER) };
  }

  protected override internalError(): UpstreamError {
    return internalError();
  }

  protected override async route(
    call: IncomingCall,
    res: ServerResponse,
    plan: ResponsePlan,
  ): Promise<void> {
    const { method, path } = call;
    if (method === 'POST' && path === '/v1/messages') {
      this.checkHeaders(call);
      await this.messages(res, requireJson(call.body), plan);
    } else if (method === 'POST' && path === '/v1/messages/count_tokens') {
      this.checkHeaders(call);
      const request = validateCountTokensRequest(requireJson(call.body));
      this.sendJson(res, 200, { input_tokens: estimateInputTokens(request) });
    } else if (method === 'GET' && path === '/v1/models') {
      this.checkHeaders(call);
      this.sendJson(res, 200, modelList(this.models));
    } else if (method === 'GET' && path.startsWith(MODEL_PATH_PREFIX)) {
      this.checkHeaders(call);
      const id = decodeURIComponent(path.slice(MODEL_PATH_PREFIX.length));
      if (!this.models.includes(id)) throw modelNotFound(id);
      this.sendJson(res, 200, modelObject(id));
    } else {
      throw notFound();
    }
  }

  /** `x-api-key`, or a bearer token as OAuth clients send it; then the `anthropic-version` the API requires. */
  private checkHeaders(call: IncomingCall): void {
    const apiKey = call.headers['x-api-key'];
    const bearer = /^Bearer\s+(.*)$/i.exec(call.headers.authorization?.trim() ?? '');
    if (apiKey !== undefined) {
      if (!this.acceptsKey(apiKey)) throw invalidApiKey();
    } else if (bearer) {
      if (!this.acceptsKey(bearer[1] ?? '')) throw invalidBearerToken();
    } else {
      throw missingApiKey();
    }
    if (!call.headers['anthropic-version']) throw missingVersion();
  }

  private async messages(res: ServerResponse, body: unknown, plan: ResponsePlan): Promise<void> {
    const request = validateMessagesRequest(body);
    checkThinkingSignatures(
      request,
      (thinking, signature) =>
        this.signer.verifyContent(thinking, signature) || this.scriptedSignatures.has(signature),
    );
    const scripted = await this.responder(request);
    const chosen = scripted.thinking?.signature;
    if (chosen !== undefined && this.scriptedSignatures.size < MAX_SCRIPTED_SIGNATURES) {
      this.scriptedSignatures.add(chosen);
    }
    const reply = resolveReply(request, scripted, {
      toolUseId: () => `toolu_01${randomAlphanumeric(22)}`,
      signature: (thinking) => this.signer.signContent(thinking),
    });
    const identity = { id: `msg_01${randomAlphanumeric(22)}`, model: request.model };
    if (request.stream !== true) {
      this.sendJson(res, 200, messageObject(identity, reply));
      return;
    }
    await this.sendStream(
      res,
      plan,
      'text/event-stream; charset=utf-8',
      messageStreamFrames(identity, reply),
    );
  }
}
