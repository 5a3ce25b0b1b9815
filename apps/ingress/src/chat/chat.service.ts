// POST /v1/chat/completions: OpenAI Chat in, an OpenAI-format channel out (other channel types come with the
// every-format issue). Same format on both sides is a pass-through: the client's body goes upstream with only
// the model mapped, gateway extensions stripped and stream usage requested; the answer comes back as sent,
// streams event by event with only the usage read out of them.
import { Injectable } from '@nestjs/common';
import { KeyRecord } from '@relaymesh/contracts';
import {
  ChatRequestView,
  ChatStreamRelay,
  buildUpstreamChatBody,
  chatInvalidJsonError,
  openAIStreamErrorEvent,
  parseChatRequest,
  usageFromChatCompletion,
} from '@relaymesh/protocols';
import { EventSourceMessage, createParser } from 'eventsource-parser';
import type { FastifyReply } from 'fastify';
import { Dispatcher } from 'undici';
import { GatewayError } from '../http/gateway-error';
import { SseWriter } from '../http/sse-writer';
import { Authenticator } from '../keys/authenticator.service';
import { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import { classifyUpstreamError } from '../upstream/error-class';
import {
  AttemptContext,
  AttemptResult,
  UpstreamCaller,
  UpstreamRequest,
} from '../upstream/upstream-call.service';

const OPENAI_FORMAT_TYPES = new Set(['openai', 'openai-compatible']);

@Injectable()
export class ChatService {
  constructor(
    private readonly auth: Authenticator,
    private readonly upstream: UpstreamCaller,
  ) {}

  async complete(
    key: KeyRecord,
    body: unknown,
    reply: FastifyReply,
    signal: AbortSignal,
  ): Promise<void> {
    if (body === undefined || body === null) throw protocolError(chatInvalidJsonError());
    const parsed = parseChatRequest(body);
    if (!parsed.ok) throw protocolError(parsed.error);
    const { view } = parsed;
    this.auth.authorize(key, view.model);
    await this.upstream.route({
      group: key.group,
      model: view.model,
      signal,
      supports: (channel) => OPENAI_FORMAT_TYPES.has(channel.type),
      build: (channel, upstreamModel) =>
        openAIRequest(
          channel,
          '/v1/chat/completions',
          buildUpstreamChatBody(parsed.body, upstreamModel, view),
        ),
      consume: (response, attempt) =>
        view.stream ? relayStream(response, reply, view, attempt) : relayJson(response, reply),
    });
  }
}

function protocolError(error: {
  status: number;
  message: string;
  type: string;
  code: string | null;
  param: string | null;
}) {
  return new GatewayError(error.status, error.message, {
    type: error.type,
    code: error.code,
    param: error.param,
  });
}

export function openAIRequest(
  channel: IngressChannel,
  path: string,
  body: string,
): UpstreamRequest {
  const key = channel.keys[Math.floor(Math.random() * channel.keys.length)] ?? '';
  return {
    path,
    body,
    headers: {
      ...channel.headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${key}`,
    },
  };
}

async function relayJson(
  response: Dispatcher.ResponseData,
  reply: FastifyReply,
): Promise<AttemptResult<void>> {
  let text: string;
  try {
    text = await response.body.text();
  } catch (err) {
    return {
      ok: false,
      errorClass: classifyUpstreamError(err),
      status: response.statusCode,
      message: (err as Error).message,
    };
  }
  // Usage is read here for metering (the ledger issue records it); the client gets the upstream's bytes.
  void usageFromChatCompletion(safeJson(text));
  await reply
    .code(response.statusCode)
    .header('content-type', String(response.headers['content-type'] ?? 'application/json'))
    .send(text);
  return { ok: true, value: undefined };
}

async function relayStream(
  response: Dispatcher.ResponseData,
  reply: FastifyReply,
  view: ChatRequestView,
  attempt: AttemptContext,
): Promise<AttemptResult<void>> {
  const relay = new ChatStreamRelay({ clientWantsUsage: view.includeUsage });
  const sse = new SseWriter(reply);
  const pending: string[] = [];
  const parser = createParser({ onEvent: (event: EventSourceMessage) => pending.push(event.data) });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      while (pending.length > 0) await sse.write(relay.push(pending.shift()!));
      if (sse.closed && sse.committed) break;
    }
  } catch (err) {
    const errorClass = classifyUpstreamError(err);
    const message = `${attempt.channel.name}: stream interrupted (${(err as Error).message})`;
    // Nothing reached the client yet: another channel may still answer.
    if (!sse.committed) return { ok: false, errorClass, status: response.statusCode, message };
    attempt.reportLateFailure(errorClass, message);
    await sse.write(
      openAIStreamErrorEvent(
        'The upstream stream was interrupted.',
        'server_error',
        'upstream_error',
      ),
    );
    sse.end();
    return { ok: true, value: undefined };
  }
  if (!sse.committed && !relay.sawDone) {
    return {
      ok: false,
      errorClass: 'reset',
      status: response.statusCode,
      message: `${attempt.channel.name}: empty stream`,
    };
  }
  if (!relay.sawDone && relay.finishReason === null && !sse.closed) {
    attempt.reportLateFailure('reset', `${attempt.channel.name}: stream ended early`);
    await sse.write(
      openAIStreamErrorEvent('The upstream stream ended early.', 'server_error', 'upstream_error'),
    );
  }
  sse.end();
  return { ok: true, value: undefined };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
