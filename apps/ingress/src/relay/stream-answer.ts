// Reading a channel's SSE stream: relayed event by event (same format: bytes untouched, usage read beside) or
// translated through the hub, and written to the client as it comes. Returns what was served (usage, the first
// byte's time, the answering model, a failure after the stream had started) or, while nothing has reached the
// client, the failure that lets another channel try.
import {
  SseEventReader,
  StreamEncoder,
  TokenUsage,
  classifyUpstreamError,
} from '@relaymesh/protocols';
import type { ErrorClass } from '@relaymesh/contracts';
import { tracingEnabled } from '@relaymesh/telemetry';
import { Dispatcher } from 'undici';
import { DataPlaneReply } from '../http/exchange';
import { SseWriter } from '../http/sse-writer';
import type { AnswerReading } from '../plan/relay-plan';
import {
  DeferredDeliveredOutput,
  DeliveredOutput,
  usageOfCutStream,
} from '../usage/cut-stream-usage';
import { AttemptContext, AttemptResult } from './attempt';
import { failureCode } from './failure-text';
import { RESPONSE_MODEL_EVENTS, responseModelOfEvent } from './response-model';

type StreamReading = Extract<AnswerReading, { kind: 'relay_stream' | 'translate_stream' }>;

/** Relays or translates an SSE answer, as the reading says. */
export function answerStream(
  response: Dispatcher.ResponseData,
  reply: DataPlaneReply,
  attempt: AttemptContext,
  reading: StreamReading,
): Promise<AttemptResult> {
  return reading.kind === 'relay_stream'
    ? relayStream(response, reply, attempt, reading)
    : translateStream(response, reply, attempt, reading);
}

/** How one stream is turned into the client's bytes, and what it learns on the way. */
interface StreamShape {
  encoderForErrors: StreamEncoder;
  onEvent: (name: string | null, data: string) => string;
  finish: () => { complete: boolean; tail: string };
  /** What the upstream reported. */
  reported: () => TokenUsage | null;
  promptTokens: () => number;
  delivered: { readonly tokens: number };
  responseModel: () => string | null;
  /** Ids of what the upstream stored of the answer (a Responses pass-through). */
  storedIds?: () => readonly string[] | undefined;
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
  shape: StreamShape,
): Promise<AttemptResult> {
  let firstByteAt: number | null = null;
  let lateError: ErrorClass | null = null;
  const lateFailure = (errorClass: ErrorClass, message: string) => {
    lateError = errorClass;
    attempt.reportLateFailure(errorClass, message);
  };
  const served = (usage: TokenUsage | null): AttemptResult => ({
    ok: true,
    usage,
    firstByteAt,
    responseModel: shape.responseModel(),
    lateError,
    storedIds: shape.storedIds?.(),
  });
  const cutUsage = () =>
    usageOfCutStream(shape.reported(), shape.promptTokens(), shape.delivered.tokens);
  const clientLeft = () =>
    lateFailure('client', `${attempt.channel.name}: the client left mid-stream`);
  // Whole events only, each bounded (D3): an upstream that never ends a line must not grow the process.
  const events = new SseEventReader(attempt.limits.eventBytes);
  try {
    for await (const chunk of response.body) {
      const pending = events.read(chunk as Buffer);
      let out = '';
      try {
        for (const event of pending) out += shape.onEvent(event.event ?? null, event.data);
      } finally {
        // Also when an event could not be handled: what came before it still reaches the client.
        if (out !== '') {
          if (firstByteAt === null) {
            firstByteAt = performance.now();
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
    const usage = cutUsage();
    if (writer.closed) {
      clientLeft();
    } else {
      lateFailure(errorClass, message);
      await writer.write(shape.encoderForErrors.error(502, 'The upstream stream was interrupted.'));
    }
    writer.end();
    return served(usage);
  }
  const { complete, tail } = shape.finish();
  if (!writer.committed && !complete) {
    return {
      ok: false,
      errorClass: 'reset',
      status: response.statusCode,
      message: `${attempt.channel.name}: empty stream`,
    };
  }
  const usage = complete ? shape.reported() : cutUsage();
  if (complete) {
    await writer.write(tail);
  } else if (writer.closed) {
    clientLeft();
  } else {
    lateFailure('reset', `${attempt.channel.name}: stream ended early`);
    await writer.write(shape.encoderForErrors.error(502, 'The upstream stream ended early.'));
  }
  writer.end();
  return served(usage);
}

function relayStream(
  response: Dispatcher.ResponseData,
  reply: DataPlaneReply,
  attempt: AttemptContext,
  { client, target, ctx, promptTokens }: StreamReading,
): Promise<AttemptResult> {
  const relay = target.passThrough.streamRelay(ctx);
  const writer = new SseWriter(reply, client.client.streamContentType(ctx));
  // The relay forwards bytes untouched; the upstream's hub decoder would read the same events again only to
  // count the answer delivered, which matters only for a stream cut before its usage: deferred until then.
  const reader = target.upstream.streamDecoder();
  const delivered = new DeferredDeliveredOutput((name, data) => reader.decode(name, data));
  // The answering model, for the request's span only: a relayed stream is not otherwise parsed for it.
  let modelLookups = tracingEnabled() ? RESPONSE_MODEL_EVENTS : 0;
  let responseModel: string | null = null;
  return pumpStream(response, writer, attempt, {
    encoderForErrors: client.client.streamEncoder(ctx),
    onEvent: (name, data) => {
      if (modelLookups > 0) {
        modelLookups -= 1;
        responseModel = responseModelOfEvent(data);
        if (responseModel !== null) modelLookups = 0;
      }
      const bytes = relay.push(name, data);
      if (bytes !== '') delivered.add(name, data);
      return bytes;
    },
    finish: () => ({ complete: relay.complete, tail: relay.end() }),
    reported: () => relay.usage,
    promptTokens,
    delivered,
    responseModel: () => responseModel,
    storedIds: () => relay.storedIds,
  });
}

function translateStream(
  response: Dispatcher.ResponseData,
  reply: DataPlaneReply,
  attempt: AttemptContext,
  { client, target, ctx, promptTokens }: StreamReading,
): Promise<AttemptResult> {
  const decoder = target.upstream.streamDecoder();
  const encoder = client.client.streamEncoder(ctx);
  const writer = new SseWriter(reply, client.client.streamContentType(ctx));
  const delivered = new DeliveredOutput();
  let finished = false;
  let responseModel: string | null = null;
  return pumpStream(response, writer, attempt, {
    encoderForErrors: encoder,
    onEvent: (name, data) =>
      decoder
        .decode(name, data)
        .map((event) => {
          if (event.type === 'start' && event.model) responseModel = event.model;
          if (event.type === 'finish') finished = true;
          delivered.add(event);
          return encoder.encode(event);
        })
        .join(''),
    finish: () => ({ complete: finished, tail: finished ? encoder.end() : '' }),
    reported: () => decoder.usage,
    promptTokens,
    delivered,
    responseModel: () => responseModel,
  });
}
