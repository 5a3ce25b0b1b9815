// Picks a channel and calls it, failing over to another eligible channel while nothing has been sent to the
// client (bounded attempts, never the same channel twice for a model), then down the request's cross-model
// fallback chain. Each attempt has a deadline: the channel's `timeout_ms` for a whole non-stream answer, and
// for a stream until its first byte (capped by RELAYMESH_FIRST_BYTE_TIMEOUT_MS); a missed deadline fails over
// like any transient fault. A 429 cools the channel down on this replica. Each attempt's outcome goes to the
// health-prober (fire-and-forget) and to the metrics. Format-neutral: the caller builds the request per
// channel and decides when a response is "committed" (for streams: at the first relayed event).
import { Injectable, Logger } from '@nestjs/common';
import { ErrorClass, UpstreamOutcomeRecorded, splitBaseUrl } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import {
  ERROR_BODY_MAX_BYTES,
  answerHeadFault,
  classifyUpstreamError,
  classifyUpstreamStatus,
  isRetryable,
  readBodyHead,
  redactSecrets,
} from '@relaymesh/protocols';
import {
  NO_PREFERENCES,
  ProviderPreferences,
  RoutingTable,
  routingStages,
  selectChannel,
} from '@relaymesh/routing';
import {
  noAvailableChannel as countNoChannel,
  genAiClientOperationDuration,
  genAiMetricOperation,
  genAiProviderName,
  ingressFailovers,
  ingressModelFallbacks,
  labelledChildren,
  routingPanics,
  upstreamAttemptDuration,
  upstreamAttempts,
} from '@relaymesh/telemetry';
import { Dispatcher } from 'undici';
import { Admitted } from '../admission/admission.service';
import { IngressEnv, UpstreamReadLimits } from '../config/ingress.env';
import { GatewayError, noAvailableChannel } from '../http/gateway-error';
import { RequestTrace } from '../http/request-trace';
import { tracedAttempt } from '../tracing/request-spans';
import { IngressChannel, SnapshotStore } from '../routing-snapshot/snapshot-store.service';
import { ChannelCooldowns } from './channel-cooldowns';
import { failureCode, publicFailureText } from './failure-text';
import { UpstreamClientError } from './upstream-client-error';
import { UpstreamPools } from './upstream-pool.service';

export { UpstreamClientError };

const logger = new Logger('UpstreamCaller');

const attemptsBy = labelledChildren((...values) => upstreamAttempts.labels(...values));
const attemptDurationBy = labelledChildren((...values) =>
  upstreamAttemptDuration.labels(...values),
);
const operationDurationBy = labelledChildren((...values) =>
  genAiClientOperationDuration.labels(...values),
);

export interface UpstreamRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** What an attempt produced: a response the caller has taken over, or a failure to fail over from. */
export type AttemptResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      errorClass: ErrorClass;
      status: number;
      /** What happened, for the channel's health, the logs and the operator: never shown to the client. */
      message: string;
      /** A code for the trace span (`ECONNREFUSED`, `too_large`, ...): what failed, with nothing quoted. */
      reason?: string;
    };

export interface RouteRequest {
  /** Only an admitted request reaches an upstream (admission/admission.service.ts). */
  admitted: Admitted;
  /** The model the client asked for; refusals name it. */
  model: string;
  /** Models to try in order (the requested one first, then its fallbacks); `[model]` when absent. */
  models?: readonly string[];
  preferences?: ProviderPreferences;
  /** Decides the attempt deadline: until the first byte for a stream, the whole answer otherwise. */
  stream: boolean;
  /** Channel types that can serve this request's format (others are skipped, not failed). */
  supports: (channel: IngressChannel) => boolean;
  build: (channel: IngressChannel, upstreamModel: string) => UpstreamRequest;
  /**
   * Answers for a channel that needs no HTTP call (the `mock` type), or null to call the upstream. Counted and
   * reported like any attempt.
   */
  serveLocally?: (
    channel: IngressChannel,
    upstreamModel: string,
    attempt: AttemptContext,
  ) => Promise<AttemptResult<void>> | null;
  /**
   * Consumes an upstream response with status < 400. Returns ok once the response is committed to the
   * client; a failure before that lets the next channel try.
   */
  consume: (
    response: Dispatcher.ResponseData,
    attempt: AttemptContext,
  ) => Promise<AttemptResult<void>>;
  signal: AbortSignal;
  /** Filled with the serving channel and attempt count; `consume` adds usage and the first byte. */
  trace: RequestTrace;
}

export interface AttemptContext {
  channel: IngressChannel;
  trace: RequestTrace;
  startedAt: number;
  /** The answer reached the client: the attempt's deadline no longer applies (a stream's idle timeout does). */
  committed: () => void;
  /** To report a failure that happens after the response was committed (a stream cut mid-way). */
  reportLateFailure: (errorClass: ErrorClass, message: string) => void;
  /** How much of the answer may be read. */
  limits: UpstreamReadLimits;
}

@Injectable()
export class UpstreamCaller {
  constructor(
    private readonly store: SnapshotStore,
    private readonly pools: UpstreamPools,
    private readonly bus: MessageBus,
    private readonly env: IngressEnv,
    private readonly cooldowns: ChannelCooldowns,
  ) {}

  async route(request: RouteRequest): Promise<void> {
    const table = this.store.table;
    if (!table) {
      throw new GatewayError(503, 'The gateway has no routing table yet; retry shortly.', {
        retryAfter: 1,
      });
    }
    const models = request.models ?? [request.model];
    let lastFailure: Failure | null = null;
    let anyKnown = false;
    for (const [index, model] of models.entries()) {
      if (index > 0) {
        if (request.signal.aborted) break;
        ingressModelFallbacks.inc();
      }
      const result = await this.routeModel(table, request, model);
      if (result === 'served') return;
      if (result !== 'unknown_model') anyKnown = true;
      if (typeof result === 'object') {
        lastFailure = result;
        if (!isRetryable(result.errorClass)) break;
      }
    }
    if (!anyKnown) {
      throw new GatewayError(404, `The model '${request.model}' does not exist.`, {
        code: 'model_not_found',
      });
    }
    if (!lastFailure)
      {countNoChannel.inc({ model: request.model, group: request.admitted.key.group });}
    throw this.finalError(lastFailure, request);
  }

  /**
   * Tries one model: stage by stage of the provider preferences, channel by channel within a stage, up to
   * the attempt budget. The last failure, or why no channel was tried.
   */
  private async routeModel(
    table: RoutingTable<IngressChannel>,
    request: RouteRequest,
    model: string,
  ): Promise<'served' | 'unknown_model' | 'no_channel' | Failure> {
    const lookup = table.tiers(request.admitted.key.group, model);
    if (!lookup.known) return 'unknown_model';
    const stages = routingStages(
      lookup.tiers.flatMap((tier) => tier.withEjected.map((route) => route.channel)),
      request.preferences ?? NO_PREFERENCES,
      (channel) => channel.latency_ms,
    ) ?? [undefined];
    const tried = new Set<string>();
    let lastFailure: Failure | null = null;
    let attempts = 0;
    for (const within of stages) {
      while (attempts < this.env.maxAttempts) {
        const selection = selectChannel(
          table,
          {
            group: request.admitted.key.group,
            model,
            exclude: tried,
            avoid: this.cooldowns.cooling(),
            within,
          },
          Math.random,
        );
        if (!selection.ok) break;
        const channel = selection.channel;
        tried.add(channel.id);
        if (!request.supports(channel)) continue;
        if (selection.panic) routingPanics.inc({ model });
        if (lastFailure) ingressFailovers.inc({ error_class: lastFailure.errorClass });
        attempts++;
        request.trace.model = model;
        const result = await tracedAttempt(request.trace, channel, selection.upstreamModel, () =>
          this.attempt(request, channel, selection.upstreamModel),
        );
        if (result.ok) return 'served';
        lastFailure = result;
        if (!isRetryable(result.errorClass) || request.signal.aborted) return result;
      }
    }
    return lastFailure ?? 'no_channel';
  }

  private async attempt(
    request: RouteRequest,
    channel: IngressChannel,
    upstreamModel: string,
  ): Promise<AttemptResult<void>> {
    const startedAt = performance.now();
    const report = (errorClass: ErrorClass, status: number, message: string | null) =>
      this.report(channel, request, errorClass, status, startedAt, message);
    const { trace } = request;
    trace.attempts += 1;
    trace.channel = { id: channel.id, name: channel.name, type: channel.type };
    trace.upstreamModel = upstreamModel;
    const limits = this.env.upstreamLimits;
    const local = request.serveLocally?.(channel, upstreamModel, {
      channel,
      trace,
      startedAt,
      committed: () => undefined,
      reportLateFailure: (errorClass, message) => report(errorClass, 200, message),
      limits,
    });
    if (local) {
      const result = await local;
      if (result.ok) report('none', 200, null);
      else report(result.errorClass, result.status, result.message);
      return result;
    }
    const built = request.build(channel, upstreamModel);
    const deadline = new AttemptDeadline(request.signal, this.deadlineMs(channel, request.stream));
    try {
      let response: Dispatcher.ResponseData;
      try {
        response = await this.pools.poolFor(channel).request({
          method: 'POST',
          // A base_url's path is a prefix (https://openrouter.ai/api): the pool holds the origin only.
          path: splitBaseUrl(channel.base_url!).pathPrefix + built.path,
          headers: built.headers,
          body: built.body,
          signal: deadline.signal,
          headersTimeout: channel.timeout_ms,
          // Between two chunks of a stream once it flows; the deadline covers the wait for the first.
          bodyTimeout: channel.timeout_ms,
        });
      } catch (err) {
        const errorClass = deadline.expired
          ? 'timeout'
          : request.signal.aborted
            ? 'client'
            : classifyUpstreamError(err);
        const message = `${channel.name}: ${deadline.expired ? `no answer within ${deadline.ms} ms` : (err as Error).message}`;
        report(errorClass, 0, message);
        return failed(trace, channel, {
          ok: false,
          errorClass,
          status: 0,
          message,
          reason: failureCode(err),
        });
      }
      if (response.statusCode >= 400) {
        // The one place an upstream error body becomes text, and only its head (the envelope is wanted: the
        // class, a message, or the refusal relayed to the caller). Whatever it echoes of the channel's
        // credentials is removed before it can reach the client, the channel's health or a log.
        const head = await readBodyHead(
          response.body,
          Math.min(limits.bodyBytes, ERROR_BODY_MAX_BYTES),
        ).catch(() => ({ text: '', truncated: false }));
        const text = redactSecrets(head.text, channel.secrets);
        const errorClass = classifyUpstreamStatus(response.statusCode, text);
        report(errorClass, response.statusCode, text.slice(0, 500) || null);
        if (errorClass === 'rate_limited') this.cooldowns.cool(channel, response.headers);
        if (errorClass === 'client') {
          throw new UpstreamClientError(
            response.statusCode,
            text,
            String(response.headers['content-type'] ?? 'application/json'),
          );
        }
        return failed(trace, channel, {
          ok: false,
          errorClass,
          status: response.statusCode,
          message: `${channel.name}: upstream ${response.statusCode}${head.truncated ? ' (its body over the limit, not read)' : ''}`,
          reason: `http_${response.statusCode}`,
        });
      }
      // A status below 400 is not yet an answer: a redirect, an empty 204 or an encoded body is the channel's
      // fault (D8), failed over like a 5xx before anything reaches the client.
      const headFault = answerHeadFault(response.statusCode, response.headers);
      if (headFault !== null) {
        response.body.on('error', () => undefined);
        response.body.destroy();
        const message = `${channel.name}: answered ${response.statusCode}${headFault === 'unrequested_encoding' ? ` in ${String(response.headers['content-encoding'])}` : ''}, which is not an answer (${headFault})`;
        report('server', response.statusCode, message);
        return failed(trace, channel, {
          ok: false,
          errorClass: 'server',
          status: response.statusCode,
          message,
          reason: headFault,
        });
      }
      let result = await request.consume(response, {
        channel,
        trace,
        startedAt,
        committed: () => deadline.lift(),
        reportLateFailure: (errorClass, message) => {
          trace.lateError = errorClass;
          report(errorClass, response.statusCode, message);
        },
        limits,
      });
      if (!result.ok && deadline.expired) {
        result = {
          ...result,
          errorClass: 'timeout',
          message: `${channel.name}: no first byte within ${deadline.ms} ms`,
        };
      }
      if (result.ok) {
        report('none', response.statusCode, null);
        return result;
      }
      report(result.errorClass, result.status, result.message);
      return failed(trace, channel, result);
    } finally {
      deadline.dispose();
    }
  }

  /** How long an attempt may take before it is abandoned for another channel. */
  private deadlineMs(channel: IngressChannel, stream: boolean): number {
    const firstByte = this.env.firstByteTimeoutMs;
    return stream && firstByte > 0 ? Math.min(channel.timeout_ms, firstByte) : channel.timeout_ms;
  }

  private report(
    channel: IngressChannel,
    request: RouteRequest,
    errorClass: ErrorClass,
    status: number,
    startedAt: number,
    message: string | null,
  ): void {
    const { model } = request;
    const latencyMs = Math.max(0, performance.now() - startedAt);
    const outcome = errorClass === 'none' ? 'success' : 'error';
    // Children in labelNames order: channel, provider, model, outcome, error_class. The model being tried
    // (a fallback's own name) is a catalogue model: a bounded label.
    attemptsBy(channel.name, channel.type, request.trace.model ?? model, outcome, errorClass).inc();
    attemptDurationBy(channel.name, channel.type, outcome).observe(latencyMs / 1000);
    const operation = genAiMetricOperation(request.trace.route);
    if (operation !== null) {
      operationDurationBy(
        operation,
        genAiProviderName(channel.type),
        request.trace.model ?? model,
        errorClass === 'none' ? '' : errorClass,
      ).observe(latencyMs / 1000);
    }
    this.bus.emit(UpstreamOutcomeRecorded, {
      channel_id: channel.id,
      model,
      status,
      error_class: errorClass,
      latency_ms: latencyMs,
      // Transport errors and stream failures carry upstream text too; health records are read by read-only admins.
      message: message === null ? null : redactSecrets(message, channel.secrets).slice(0, 1000),
      at: new Date().toISOString(),
    });
  }

  private finalError(last: Failure | null, request: RouteRequest): GatewayError {
    if (!last) return noAvailableChannel(request.model, request.admitted.key.group);
    if (last.errorClass === 'rate_limited') {
      // Every channel left was rate-limited upstream: a 429 with the time until the first cools down tells
      // SDKs to back off and retry, which a 502 would not.
      const table = this.store.table;
      const ids = table
        ? (request.models ?? [request.model]).flatMap((m) =>
            channelIds(table, request.admitted.key.group, m),
          )
        : [];
      return new GatewayError(
        429,
        `Every eligible channel for '${request.model}' is rate-limited upstream; retry after the Retry-After delay.`,
        { code: 'upstream_rate_limited', retryAfter: this.cooldowns.secondsUntilFree(ids) ?? 5 },
      );
    }
    if (last.errorClass === 'timeout') {
      return new GatewayError(504, `Every eligible channel for '${request.model}' timed out.`, {
        code: 'upstream_timeout',
      });
    }
    // In the caller's terms only: the channel's name, addresses and the transport's own words stay in the logs,
    // the channel's health and the trace (D15).
    return new GatewayError(
      502,
      `Every eligible channel for '${request.model}' failed: ${publicFailureText(last)}.`,
      { code: 'upstream_error' },
    );
  }
}

/** Logs a failed attempt with what the client is not told, and hands the failure on. */
function failed(trace: RequestTrace, channel: IngressChannel, failure: Failure): Failure {
  logger.warn(
    `request ${trace.requestId}: attempt ${trace.attempts} failed (${failure.errorClass}${failure.status > 0 ? `, status ${failure.status}` : ''}): ${redactSecrets(failure.message, channel.secrets)}`,
  );
  return failure;
}

type Failure = Extract<AttemptResult<void>, { ok: false }>;

function channelIds(table: RoutingTable<IngressChannel>, group: string, model: string): string[] {
  const lookup = table.tiers(group, model);
  return lookup.known ? lookup.tiers.flatMap((t) => t.withEjected.map((r) => r.channel.id)) : [];
}

/**
 * The attempt's own abort signal: the client's (a client that goes away cancels the upstream call, mid-stream
 * too), plus a deadline that `lift()` removes once the answer has reached the client.
 */
class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onClientAbort = () => this.controller.abort(this.clientSignal.reason);
  expired = false;

  constructor(
    private readonly clientSignal: AbortSignal,
    readonly ms: number,
  ) {
    if (clientSignal.aborted) this.controller.abort(clientSignal.reason);
    else clientSignal.addEventListener('abort', this.onClientAbort, { once: true });
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error(`attempt deadline of ${ms} ms passed`));
    }, ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  lift(): void {
    clearTimeout(this.timer);
  }

  /** The attempt is over: nothing to cancel any more. */
  dispose(): void {
    clearTimeout(this.timer);
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
  }
}
