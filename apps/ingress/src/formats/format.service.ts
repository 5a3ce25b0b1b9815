// One request in any client format, served by a channel of any type (CONTRACT §1). Same format on both sides
// is a pass-through (the client's body with only the model mapped; the answer relayed byte for byte with only
// usage read). Different formats go through the hub: the client adapter parses to a HubRequest, the channel's
// adapter builds its own request, and the answer or stream comes back event by event through the hub.
import { Injectable } from '@nestjs/common';
import { KeyRecord } from '@relaymesh/contracts';
import {
  ClientContext,
  HubRequest,
  InvalidUpstreamAnswer,
  ProtocolAdapter,
  ProtocolError,
  StreamEncoder,
  TokenUsage,
  adapterForChannel,
  classifyUpstreamError,
  estimateInputTokens,
  jsonLimitsFor,
  mockAnswer,
  mockStream,
  parseUpstreamJson,
  readBoundedBody,
} from '@relaymesh/protocols';
import { ProviderPreferences } from '@relaymesh/routing';
import { tracingEnabled } from '@relaymesh/telemetry';
import { EventSourceMessage, createParser } from 'eventsource-parser';
import { Dispatcher } from 'undici';
import { CreditGuard } from '../credit/credit-guard.service';
import { DataPlaneReply } from '../http/exchange';
import { GatewayError } from '../http/gateway-error';
import { RequestTrace } from '../http/request-trace';
import { SseWriter } from '../http/sse-writer';
import { Authenticator } from '../keys/authenticator.service';
import { RateLimiter } from '../limits/rate-limiter.service';
import { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import { routingOptions } from '../upstream/routing-options';
import { CHARS_PER_TOKEN, DeliveredOutput, usageOfCutStream } from '../usage/cut-stream-usage';
import { AttemptContext, AttemptResult, UpstreamCaller } from '../upstream/upstream-call.service';
import { failureCode } from '../upstream/failure-text';
import { RESPONSE_MODEL_EVENTS, responseModelOf, responseModelOfEvent } from './response-model';

export interface FormatRequest {
  trace: RequestTrace;
  key: KeyRecord;
  body: unknown;
  /** Gemini carries the model in the URL. */
  urlModel: string | null;
  /** Gemini decides streaming by the method (`:streamGenerateContent`), not the body. */
  stream: boolean | null;
  /** Gemini: `?alt=sse` (otherwise its JSON-array stream). */
  sse: boolean;
  requestId: string;
  /** Client headers that belong to the format and travel on a pass-through (Anthropic `anthropic-beta`). */
  formatHeaders: Record<string, string>;
}

/** The code adapters give a valid request that the hub cannot carry to another format. */
const UNTRANSLATABLE = 'unsupported_value';

type Failure = Extract<AttemptResult<void>, { ok: false }>;

@Injectable()
export class FormatService {
  constructor(
    private readonly auth: Authenticator,
    private readonly upstream: UpstreamCaller,
    private readonly limiter: RateLimiter,
    private readonly credit: CreditGuard,
  ) {}

  async serve(
    client: ProtocolAdapter,
    request: FormatRequest,
    reply: DataPlaneReply,
    signal: AbortSignal,
  ): Promise<void> {
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
      throw new GatewayError(400, 'The request body must be a JSON object.', {
        code: 'invalid_json',
      });
    }
    const body = request.body as Record<string, unknown>;
    const parsed = client.client.parseRequest(request.body, request.urlModel);
    // A valid request the hub cannot carry (built-in tools, audio parts, n > 1, ...) may still go, untouched,
    // to a channel of its own format; only when none can take it is the client told why (CONTRACT §1: same
    // format on both sides is a pass-through).
    const bodyModel = request.urlModel ?? body['model'];
    let hub: HubRequest | null = null;
    let untranslatable: GatewayError | null = null;
    if (parsed.ok) {
      hub = { ...parsed.request, stream: request.stream ?? parsed.request.stream };
    } else if (
      parsed.error.code === UNTRANSLATABLE &&
      typeof bodyModel === 'string' &&
      bodyModel !== ''
    ) {
      untranslatable = protocolError(parsed.error);
    } else {
      throw protocolError(parsed.error);
    }
    const model = hub?.model ?? (bodyModel as string);
    const stream = hub?.stream ?? request.stream ?? body['stream'] === true;
    request.trace.model = model;
    request.trace.stream = stream;
    request.trace.maxTokens = hub?.maxTokens ?? null;
    this.auth.authorize(request.key, model);
    const options = routingOptions(body, model);
    if (!options.ok) {
      throw new GatewayError(400, options.message, {
        param: options.param,
        code: 'invalid_value',
      });
    }
    // Fallback models the key may not use are skipped, not refused: the requested one was allowed.
    const models = options.options.models.filter((m) => this.auth.allows(request.key, m));
    await this.limiter.admit(request.trace);
    await this.credit.admit(request.trace, request.key, model, body);
    const ctx: ClientContext = {
      requestId: request.requestId,
      sse: request.sse,
      model,
      includeUsage: includeUsageAsked(body),
      createdAt: Math.floor(Date.now() / 1000),
      // Calls of tools the client named otherwise (Responses namespaces, custom tools) go back in its form.
      ...(hub ? { clientTools: hub.tools } : {}),
    };

    try {
      await this.route(client, request, reply, signal, {
        body,
        hub,
        model,
        stream,
        ctx,
        models,
        preferences: options.options.preferences,
      });
    } catch (err) {
      if (
        untranslatable &&
        err instanceof GatewayError &&
        err.details.code === 'no_available_channel'
      ) {
        throw untranslatable;
      }
      throw err;
    }
  }

  private route(
    client: ProtocolAdapter,
    request: FormatRequest,
    reply: DataPlaneReply,
    signal: AbortSignal,
    {
      body,
      hub,
      model,
      stream,
      ctx,
      models,
      preferences,
    }: {
      body: Record<string, unknown>;
      hub: HubRequest | null;
      model: string;
      stream: boolean;
      ctx: ClientContext;
      models: string[];
      preferences: ProviderPreferences;
    },
  ): Promise<void> {
    return this.upstream.route({
      group: request.key.group,
      model,
      models,
      preferences,
      stream,
      signal,
      trace: request.trace,
      supports: (channel) => {
        // A mock channel answers from the hub, so it serves every request the hub can carry.
        if (channel.type === 'mock') return hub !== null;
        const target = adapterForChannel(channel.type);
        return target !== null && (hub !== null || target.format === client.format);
      },
      serveLocally: (channel, upstreamModel, attempt) =>
        channel.type === 'mock'
          ? serveMock(hub!, upstreamModel, reply, client, ctx, attempt, stream)
          : null,
      build: (channel, upstreamModel) => {
        const target = adapterForChannel(channel.type)!;
        const built =
          target.format === client.format
            ? target.passThrough.buildRequest(body, upstreamModel, stream)
            : target.upstream.buildRequest(hub!, upstreamModel);
        const same = target.format === client.format;
        return {
          ...built,
          headers: upstreamHeaders(
            channel,
            target,
            built.headers,
            same ? request.formatHeaders : {},
          ),
        };
      },
      consume: (response, attempt) => {
        const target = adapterForChannel(attempt.channel.type)!;
        const same = target.format === client.format;
        if (!stream) {
          return same
            ? relayJson(response, reply, attempt, target)
            : translateJson(response, reply, client, target, ctx, attempt);
        }
        // Only a stream that ends early needs it (see cut-stream-usage.ts), hence lazily.
        const promptTokens = () =>
          hub ? estimateInputTokens(hub) : Math.ceil(JSON.stringify(body).length / CHARS_PER_TOKEN);
        return same
          ? relayStream(response, reply, client, target, ctx, attempt, promptTokens)
          : translateStream(response, reply, client, target, ctx, attempt, promptTokens);
      },
    });
  }
}

/** A `mock` channel's answer (libs/protocols mock model), rendered in the client's format like any other. */
async function serveMock(
  hub: HubRequest,
  upstreamModel: string,
  reply: DataPlaneReply,
  client: ProtocolAdapter,
  ctx: ClientContext,
  attempt: AttemptContext,
  stream: boolean,
): Promise<AttemptResult<void>> {
  const id = `mock-${ctx.requestId}`;
  const { trace } = attempt;
  trace.firstByteAt = performance.now();
  const answer = mockAnswer(hub, upstreamModel, id);
  trace.usage = answer.usage;
  if (!stream) {
    await reply.code(200).send(client.client.renderResponse(answer, ctx));
    return { ok: true, value: undefined };
  }
  const encoder = client.client.streamEncoder(ctx);
  const writer = new SseWriter(reply, client.client.streamContentType(ctx));
  for (const event of mockStream(hub, upstreamModel, id)) await writer.write(encoder.encode(event));
  await writer.write(encoder.end());
  writer.end();
  return { ok: true, value: undefined };
}

function protocolError(error: ProtocolError): GatewayError {
  return new GatewayError(error.status, error.message, {
    type: error.type,
    code: error.code,
    param: error.param,
  });
}

function includeUsageAsked(body: Record<string, unknown>): boolean {
  const options = body['stream_options'];
  return (
    typeof options === 'object' &&
    options !== null &&
    (options as Record<string, unknown>)['include_usage'] === true
  );
}

export function upstreamHeaders(
  channel: IngressChannel,
  target: ProtocolAdapter,
  built: Record<string, string>,
  formatHeaders: Record<string, string>,
): Record<string, string> {
  // One key per request, at random: spreads a channel's load across its keys.
  const key = channel.keys[Math.floor(Math.random() * channel.keys.length)] ?? '';
  return {
    ...formatHeaders,
    ...channel.headers,
    ...built,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...target.upstream.authHeaders(key),
  };
}

/**
 * The upstream's JSON answer, read within the attempt's limit and parsed within a memory budget, or the failure
 * that lets another channel try: too large, not JSON, not UTF-8, a JSON bomb (D3, D8).
 */
export async function readJsonAnswer(
  response: Dispatcher.ResponseData,
  attempt: AttemptContext,
): Promise<{ value: unknown; text: string } | Failure> {
  const { bodyBytes } = attempt.limits;
  try {
    const bytes = await readBoundedBody(response.body, bodyBytes, response.headers);
    return parseUpstreamJson(bytes, response.headers, jsonLimitsFor(bodyBytes));
  } catch (err) {
    return {
      ok: false,
      errorClass: classifyUpstreamError(err),
      status: response.statusCode,
      message: `${attempt.channel.name}: ${(err as Error).message}`,
      reason: failureCode(err),
    };
  }
}

/** Relays the upstream's JSON answer byte for byte; usage is read from it, never re-serialised into it. */
export async function relayJson(
  response: Dispatcher.ResponseData,
  reply: DataPlaneReply,
  attempt: AttemptContext,
  target: ProtocolAdapter,
): Promise<AttemptResult<void>> {
  const answer = await readJsonAnswer(response, attempt);
  if ('ok' in answer) return answer;
  attempt.committed();
  attempt.trace.usage = usageOf(answer.value, target);
  attempt.trace.responseModel = responseModelOf(answer.value);
  attempt.trace.firstByteAt = performance.now();
  await reply
    .code(response.statusCode)
    .header('content-type', String(response.headers['content-type'] ?? 'application/json'))
    .send(answer.text);
  return { ok: true, value: undefined };
}

async function translateJson(
  response: Dispatcher.ResponseData,
  reply: DataPlaneReply,
  client: ProtocolAdapter,
  target: ProtocolAdapter,
  ctx: ClientContext,
  attempt: AttemptContext,
): Promise<AttemptResult<void>> {
  const { trace } = attempt;
  const answer = await readJsonAnswer(response, attempt);
  if ('ok' in answer) return answer;
  let rendered: unknown;
  try {
    const hub = target.upstream.parseResponse(answer.value);
    trace.usage = hub.usage;
    trace.responseModel = hub.model || null;
    rendered = client.client.renderResponse(hub, ctx);
  } catch (err) {
    return {
      ok: false,
      errorClass: 'server',
      status: response.statusCode,
      message: `${attempt.channel.name}: unreadable upstream answer: ${(err as Error).message}`,
      reason: 'unreadable',
    };
  }
  attempt.committed();
  trace.firstByteAt = performance.now();
  await reply.code(200).send(rendered);
  return { ok: true, value: undefined };
}

/** The usage a relayed answer reports; an answer whose usage cannot be read is relayed all the same. */
function usageOf(json: unknown, target: ProtocolAdapter): TokenUsage | null {
  try {
    return target.passThrough.usageFromResponse(json);
  } catch {
    return null;
  }
}

/** How a stream is billed: what the upstream reported, and what to estimate from if it ends early. */
interface StreamMetering {
  reported: () => TokenUsage | null;
  promptTokens: () => number;
  delivered: DeliveredOutput;
}

/**
 * Reads the upstream SSE stream and hands each event to `onEvent`, which returns the bytes for the client.
 * Nothing is written (so another channel may still be tried) until the first bytes exist. The events of one
 * upstream read leave in one socket write (one syscall and one TCP segment, not one per event): they arrived
 * together, so nothing waits for the batch; there is no timer, each read is forwarded as soon as it is parsed.
 * A client that goes away ends the read at once (its abort cancels the upstream call), is no fault of the
 * channel, and is billed for what had reached it.
 */
async function pumpStream(
  response: Dispatcher.ResponseData,
  writer: SseWriter,
  attempt: AttemptContext,
  encoderForErrors: StreamEncoder,
  onEvent: (name: string | null, data: string) => string,
  finish: () => { complete: boolean; tail: string },
  metering: StreamMetering,
): Promise<AttemptResult<void>> {
  const cutUsage = () =>
    usageOfCutStream(metering.reported(), metering.promptTokens(), metering.delivered.tokens);
  const clientLeft = () =>
    attempt.reportLateFailure('client', `${attempt.channel.name}: the client left mid-stream`);
  const { trace } = attempt;
  const pending: EventSourceMessage[] = [];
  // One event, its unterminated last line included, is held until it ends: bounded, or an upstream that never
  // sends a newline would grow it until the process dies (D3).
  let eventTooLarge = false;
  const parser = createParser({
    onEvent: (event) => pending.push(event),
    maxBufferSize: attempt.limits.eventBytes,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') eventTooLarge = true;
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      if (eventTooLarge) {
        throw new InvalidUpstreamAnswer(
          'too_large',
          `a stream event of more than ${attempt.limits.eventBytes} characters`,
        );
      }
      let out = '';
      try {
        for (const event of pending) out += onEvent(event.event ?? null, event.data);
      } finally {
        // Also when an event could not be handled: what came before it still reaches the client.
        pending.length = 0;
        if (out !== '') {
          if (trace.firstByteAt === null) {
            trace.firstByteAt = performance.now();
            attempt.committed();
          }
          await writer.write(out);
        }
      }
      if (writer.committed && writer.closed) break;
    }
  } catch (err) {
    const errorClass = classifyUpstreamError(err);
    const message = `${attempt.channel.name}: stream interrupted (${(err as Error).message})`;
    if (!writer.committed) {
      return {
        ok: false,
        errorClass,
        status: response.statusCode,
        message,
        reason: failureCode(err),
      };
    }
    // Billed for what was delivered: what the upstream reported before the cut, the rest estimated.
    trace.usage = cutUsage();
    if (writer.closed) {
      clientLeft();
    } else {
      attempt.reportLateFailure(errorClass, message);
      await writer.write(encoderForErrors.error(502, 'The upstream stream was interrupted.'));
    }
    writer.end();
    return { ok: true, value: undefined };
  }
  const { complete, tail } = finish();
  trace.usage = complete ? metering.reported() : cutUsage();
  if (!writer.committed && !complete) {
    return {
      ok: false,
      errorClass: 'reset',
      status: response.statusCode,
      message: `${attempt.channel.name}: empty stream`,
    };
  }
  if (complete) {
    await writer.write(tail);
  } else if (writer.closed) {
    clientLeft();
  } else {
    attempt.reportLateFailure('reset', `${attempt.channel.name}: stream ended early`);
    await writer.write(encoderForErrors.error(502, 'The upstream stream ended early.'));
  }
  writer.end();
  return { ok: true, value: undefined };
}

function relayStream(
  response: Dispatcher.ResponseData,
  reply: DataPlaneReply,
  client: ProtocolAdapter,
  target: ProtocolAdapter,
  ctx: ClientContext,
  attempt: AttemptContext,
  promptTokens: () => number,
): Promise<AttemptResult<void>> {
  const relay = target.passThrough.streamRelay(ctx);
  const writer = new SseWriter(reply, client.client.streamContentType(ctx));
  // The relay forwards bytes untouched; the upstream's hub decoder reads the same events beside it, only to
  // count the answer delivered (one more JSON.parse of a small chunk per event).
  const reader = target.upstream.streamDecoder();
  const delivered = new DeliveredOutput();
  const { trace } = attempt;
  // The answering model, for the request's span only: a relayed stream is not otherwise parsed for it.
  let modelLookups = tracingEnabled() ? RESPONSE_MODEL_EVENTS : 0;
  return pumpStream(
    response,
    writer,
    attempt,
    client.client.streamEncoder(ctx),
    (name, data) => {
      if (modelLookups > 0) {
        modelLookups -= 1;
        trace.responseModel = responseModelOfEvent(data);
        if (trace.responseModel !== null) modelLookups = 0;
      }
      const bytes = relay.push(name, data);
      if (bytes !== '') {
        try {
          for (const event of reader.decode(name, data)) delivered.add(event);
        } catch {
          // What the hub cannot read is relayed all the same; it is just not counted.
        }
      }
      return bytes;
    },
    () => ({ complete: relay.complete, tail: relay.end() }),
    { reported: () => relay.usage, promptTokens, delivered },
  );
}

function translateStream(
  response: Dispatcher.ResponseData,
  reply: DataPlaneReply,
  client: ProtocolAdapter,
  target: ProtocolAdapter,
  ctx: ClientContext,
  attempt: AttemptContext,
  promptTokens: () => number,
): Promise<AttemptResult<void>> {
  const decoder = target.upstream.streamDecoder();
  const encoder = client.client.streamEncoder(ctx);
  const writer = new SseWriter(reply, client.client.streamContentType(ctx));
  const delivered = new DeliveredOutput();
  let finished = false;
  return pumpStream(
    response,
    writer,
    attempt,
    encoder,
    (name, data) =>
      decoder
        .decode(name, data)
        .map((event) => {
          if (event.type === 'start' && event.model) attempt.trace.responseModel = event.model;
          if (event.type === 'finish') finished = true;
          delivered.add(event);
          return encoder.encode(event);
        })
        .join(''),
    () => ({ complete: finished, tail: finished ? encoder.end() : '' }),
    { reported: () => decoder.usage, promptTokens, delivered },
  );
}
