// Picks a channel and calls it, failing over to another eligible channel while nothing has been sent to the
// client (bounded attempts, never the same channel twice). Reports each attempt's outcome to the
// health-prober (fire-and-forget) and counts it. Format-neutral: the caller builds the request per channel and
// decides when a response is "committed" (for streams: at the first relayed event, not at the headers).
import { Injectable } from '@nestjs/common';
import { ErrorClass, UpstreamOutcomeRecorded } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { selectChannel } from '@relaymesh/routing';
import { noAvailableChannel as countNoChannel, upstreamAttempts } from '@relaymesh/telemetry';
import { Dispatcher } from 'undici';
import { IngressEnv } from '../config/ingress.env';
import { GatewayError, noAvailableChannel } from '../http/gateway-error';
import { RequestTrace } from '../http/request-trace';
import { IngressChannel, SnapshotStore } from '../routing-snapshot/snapshot-store.service';
import { classifyUpstreamError, classifyUpstreamStatus, isRetryable } from './error-class';
import { UpstreamPools } from './upstream-pool.service';

export interface UpstreamRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** What an attempt produced: a response the caller has taken over, or a failure to fail over from. */
export type AttemptResult<T> =
  { ok: true; value: T } | { ok: false; errorClass: ErrorClass; status: number; message: string };

export interface RouteRequest {
  group: string;
  model: string;
  /** Channel types that can serve this request's format (others are skipped, not failed). */
  supports: (channel: IngressChannel) => boolean;
  build: (channel: IngressChannel, upstreamModel: string) => UpstreamRequest;
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
  /** To report a failure that happens after the response was committed (a stream cut mid-way). */
  reportLateFailure: (errorClass: ErrorClass, message: string) => void;
}

/** The last failed upstream answer when it is the caller's own fault: relayed as the provider said it. */
export class UpstreamClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType: string,
  ) {
    super(`upstream answered ${status}`);
  }
}

@Injectable()
export class UpstreamCaller {
  constructor(
    private readonly store: SnapshotStore,
    private readonly pools: UpstreamPools,
    private readonly bus: MessageBus,
    private readonly env: IngressEnv,
  ) {}

  async route(request: RouteRequest): Promise<void> {
    const table = this.store.table;
    if (!table) {
      throw new GatewayError(503, 'The gateway has no routing table yet; retry shortly.', {
        retryAfter: 1,
      });
    }
    const exclude = new Set<string>();
    let lastFailure: { errorClass: ErrorClass; status: number; message: string } | null = null;
    for (let attempt = 0; attempt < this.env.maxAttempts; attempt++) {
      const selection = selectChannel(
        table,
        { group: request.group, model: request.model, exclude },
        Math.random,
      );
      if (!selection.ok) {
        if (selection.reason === 'unknown_model') {
          throw new GatewayError(404, `The model '${request.model}' does not exist.`, {
            code: 'model_not_found',
          });
        }
        if (lastFailure) break;
        countNoChannel.inc();
        throw noAvailableChannel(request.model, request.group);
      }
      const channel = selection.channel;
      exclude.add(channel.id);
      if (!request.supports(channel)) {
        attempt--;
        continue;
      }
      const result = await this.attempt(request, channel, selection.upstreamModel);
      if (result.ok) return;
      lastFailure = result;
      if (!isRetryable(result.errorClass) || request.signal.aborted) break;
    }
    throw this.finalError(lastFailure, request);
  }

  private async attempt(
    request: RouteRequest,
    channel: IngressChannel,
    upstreamModel: string,
  ): Promise<AttemptResult<void>> {
    const startedAt = performance.now();
    const report = (errorClass: ErrorClass, status: number, message: string | null) =>
      this.report(channel, request.model, errorClass, status, startedAt, message);
    const { trace } = request;
    trace.attempts += 1;
    trace.channel = { id: channel.id, name: channel.name, type: channel.type };
    trace.upstreamModel = upstreamModel;
    const built = request.build(channel, upstreamModel);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pools.poolFor(channel).request({
        method: 'POST',
        path: built.path,
        headers: built.headers,
        body: built.body,
        signal: request.signal,
        headersTimeout: channel.timeout_ms,
        bodyTimeout: channel.timeout_ms,
      });
    } catch (err) {
      const errorClass = request.signal.aborted ? 'client' : classifyUpstreamError(err);
      const message = `${channel.name}: ${(err as Error).message}`;
      report(errorClass, 0, message);
      return { ok: false, errorClass, status: 0, message };
    }
    if (response.statusCode >= 400) {
      const text = await response.body.text().catch(() => '');
      const errorClass = classifyUpstreamStatus(response.statusCode, text);
      report(errorClass, response.statusCode, text.slice(0, 500) || null);
      if (errorClass === 'client') {
        throw new UpstreamClientError(
          response.statusCode,
          text,
          String(response.headers['content-type'] ?? 'application/json'),
        );
      }
      return {
        ok: false,
        errorClass,
        status: response.statusCode,
        message: `${channel.name}: upstream ${response.statusCode}`,
      };
    }
    const result = await request.consume(response, {
      channel,
      trace,
      startedAt,
      reportLateFailure: (errorClass, message) => {
        trace.lateError = errorClass;
        report(errorClass, response.statusCode, message);
      },
    });
    if (result.ok) report('none', response.statusCode, null);
    else report(result.errorClass, result.status, result.message);
    return result;
  }

  private report(
    channel: IngressChannel,
    model: string,
    errorClass: ErrorClass,
    status: number,
    startedAt: number,
    message: string | null,
  ): void {
    upstreamAttempts.inc({
      channel: channel.name,
      provider: channel.type,
      error_class: errorClass,
    });
    this.bus.emit(UpstreamOutcomeRecorded, {
      channel_id: channel.id,
      model,
      status,
      error_class: errorClass,
      latency_ms: Math.max(0, performance.now() - startedAt),
      message: message?.slice(0, 1000) ?? null,
      at: new Date().toISOString(),
    });
  }

  private finalError(
    last: { errorClass: ErrorClass; status: number; message: string } | null,
    request: RouteRequest,
  ): GatewayError {
    if (!last) return noAvailableChannel(request.model, request.group);
    if (last.errorClass === 'timeout') {
      return new GatewayError(504, `Every eligible channel for '${request.model}' timed out.`, {
        code: 'upstream_timeout',
      });
    }
    return new GatewayError(
      502,
      `Every eligible channel for '${request.model}' failed; last error: ${last.message}`,
      {
        code: 'upstream_error',
      },
    );
  }
}
