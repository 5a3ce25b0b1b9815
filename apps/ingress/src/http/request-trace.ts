// What one data-plane request did (who asked, for which model, which channel served it, the usage the upstream
// reported, when the first byte left), handed to every observer when it ends. The usage ledger's recorder and
// the token-rate limiter read it; the request path never waits on them. It is written by few hands, each once:
// startTrace (DataPlane, at arrival), admission (the key; the model, stream and cap once known), recordRelay
// (from the relay's folded outcome), and DataPlane again at the end (status) and the request span (its trace
// context). Attempts return their results; nothing else writes here.
import { Injectable, Logger } from '@nestjs/common';
import {
  ChannelType,
  ErrorClass,
  KeyRecord,
  RequestBodies,
  UsageAttempt,
} from '@relaymesh/contracts';
import { TokenUsage } from '@relaymesh/protocols';
import type { TraceCarrier } from '@relaymesh/telemetry';
import type { RelayOutcome } from '../relay/attempt';
import type { WireFormat } from './error-envelope';

export interface RequestTrace {
  readonly requestId: string;
  /** The endpoint, as a bounded label: `chat_completions`, `messages`, `generate_content`, ... */
  readonly route: string;
  readonly format: WireFormat;
  /** Wall-clock arrival, ms since the epoch (the record's time). */
  readonly receivedAt: number;
  /** `performance.now()` at arrival: latency and time to first byte are measured from here. */
  readonly startedAt: number;
  /** `HTTP-Referer` and `X-Title` (OpenRouter's app attribution headers), recorded with usage. */
  readonly referer: string | null;
  readonly title: string | null;
  key: KeyRecord | null;
  /** The model the client asked for, as it named it. */
  model: string | null;
  stream: boolean;
  /** The client's output cap, where its format has one (reservations estimate from it). */
  maxTokens: number | null;
  /** The channel that served the request, or the last one that failed it. */
  channel: { id: string; name: string; type: ChannelType } | null;
  upstreamModel: string | null;
  /** The model the upstream said answered (`model`, Gemini `modelVersion`), where it is known. */
  responseModel: string | null;
  /** Upstream attempts made (failovers are attempts - 1). */
  attempts: number;
  /** Each attempt, in order: what the request explorer shows. */
  attemptLog: UsageAttempt[];
  /** As the upstream reported it; for a stream cut short, what was reported before the cut. */
  usage: TokenUsage | null;
  /** `performance.now()` when the first byte of the answer went to the client. */
  firstByteAt: number | null;
  /** The HTTP status the client got; set when the request ends. */
  status: number;
  /** Set when the answer failed after it had started (a stream cut mid-way, status stays 200). */
  lateError: ErrorClass | null;
  /** Hosted tools the serving channel's provider could not run, dropped in translation. */
  droppedTools: readonly string[];
  /** The request span's W3C trace context when tracing is on (the usage record carries it to the ledger). */
  traceContext: TraceCarrier | null;
  /** The request's and answer's bodies, only when body logging is on (DataPlane, at the end). */
  bodies: RequestBodies | null;
}

export function startTrace(
  requestId: string,
  route: string,
  format: WireFormat,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): RequestTrace {
  return {
    requestId,
    route,
    format,
    receivedAt: Date.now(),
    startedAt: performance.now(),
    referer: headerValue(headers, 'http-referer') ?? headerValue(headers, 'referer'),
    title: headerValue(headers, 'x-title'),
    key: null,
    model: null,
    stream: false,
    maxTokens: null,
    channel: null,
    upstreamModel: null,
    responseModel: null,
    attempts: 0,
    attemptLog: [],
    usage: null,
    firstByteAt: null,
    status: 0,
    lateError: null,
    droppedTools: [],
    traceContext: null,
    bodies: null,
  };
}

/** What the relay did, served or not: written once, when the relay ends. */
export function recordRelay(trace: RequestTrace, outcome: Readonly<RelayOutcome>): void {
  trace.attempts = outcome.attempts;
  trace.attemptLog = outcome.attemptLog;
  trace.channel = outcome.channel;
  trace.upstreamModel = outcome.upstreamModel;
  if (outcome.model !== null) trace.model = outcome.model;
  const { served } = outcome;
  if (served !== null) {
    trace.usage = served.usage;
    trace.firstByteAt = served.firstByteAt;
    trace.responseModel = served.responseModel;
    trace.lateError = served.lateError;
    trace.droppedTools = served.droppedTools ?? [];
  }
}

/** Bounded: these are stored per record. */
function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | null {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value.slice(0, 500) : null;
}

export type RequestObserver = (trace: Readonly<RequestTrace>) => void;

/** Who wants to know about each finished request. Observers run synchronously and must not throw or block. */
@Injectable()
export class RequestObservers {
  private readonly logger = new Logger(RequestObservers.name);
  private readonly observers: RequestObserver[] = [];

  add(observer: RequestObserver): void {
    this.observers.push(observer);
  }

  notify(trace: Readonly<RequestTrace>): void {
    for (const observer of this.observers) {
      try {
        observer(trace);
      } catch (err) {
        this.logger.error(`request observer failed for ${trace.requestId}: ${String(err)}`);
      }
    }
  }
}
