// The frame every data-plane handler runs in: cancels the upstream call when the client goes away, renders
// any failure in the caller's format (or, once a stream is under way, leaves ending it to the stream code),
// logs gateway faults with the request id, counts the request and hands its trace to the observers. It also
// bounds the requests in flight, and drains them on graceful shutdown: new requests are refused (the load
// balancer sends them elsewhere), the ones under way, streams included, finish up to a deadline, then the rest
// are cancelled, so their streams end with the format's error event rather than a cut connection.
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import {
  ingressInFlight,
  ingressOverloadRefusals,
  ingressRequestDuration,
  ingressRequests,
  labelledChildren,
  readiness,
} from '@relaymesh/telemetry';
import { IngressEnv } from '../config/ingress.env';
import { RequestSpan } from '../tracing/request-spans';
import { UpstreamClientError } from '../relay/upstream-client-error';
import { WireFormat, errorEnvelope } from './error-envelope';
import { DataPlaneReply, DataPlaneRequest } from './exchange';
import { GatewayError, gatewayFault } from './gateway-error';
import { RequestObservers, RequestTrace, startTrace } from './request-trace';
import { foreignUpstreamError } from './upstream-error';
import {
  BodyCapture,
  captureWrites,
  loggedBodies,
  presentedCredentials,
} from '../usage/body-capture';

const logger = new Logger('DataPlane');
const requestsBy = labelledChildren((...values) => ingressRequests.labels(...values));
const durationBy = labelledChildren((...values) => ingressRequestDuration.labels(...values));

@Injectable()
export class DataPlane implements BeforeApplicationShutdown {
  /** The requests being served by this replica now, each with the signal that cancels its upstream call. */
  private readonly active = new Set<AbortController>();
  private draining: Promise<void> | null = null;
  private onIdle: (() => void) | null = null;

  constructor(
    private readonly observers: RequestObservers,
    private readonly env: IngressEnv,
  ) {
    readiness.registerServing('ingress:accepting', () => this.draining === null);
  }

  /** False once the replica drains (new requests are refused). */
  get accepting(): boolean {
    return this.draining === null;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  /**
   * Stops taking requests and waits for those under way, up to RELAYMESH_SHUTDOWN_GRACE_MS, then cancels the
   * rest. Idempotent: whoever must act after the drain (the usage outbox's flush) awaits the same promise.
   */
  drain(): Promise<void> {
    this.draining ??= this.waitForIdle();
    return this.draining;
  }

  private async waitForIdle(): Promise<void> {
    if (this.active.size === 0) return;
    logger.log(`draining ${this.active.size} requests before shutdown`);
    const idle = new Promise<void>((resolve) => (this.onIdle = resolve));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((resolve) => {
      timer = setTimeout(() => resolve('grace over'), this.env.shutdownGraceMs);
    });
    if ((await Promise.race([idle, graceOver])) === 'grace over') {
      logger.warn(`shutdown: cancelling ${this.active.size} requests still under way`);
      for (const controller of this.active) controller.abort();
      // Cancelled streams end with their error event within moments; do not wait on a stuck socket.
      await Promise.race([idle, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    }
    clearTimeout(timer);
  }

  async serve(
    route: string,
    format: WireFormat,
    request: DataPlaneRequest,
    reply: DataPlaneReply,
    handle: (signal: AbortSignal, trace: RequestTrace) => Promise<void>,
  ): Promise<void> {
    if (this.draining !== null) {
      sendError(reply, format, 503, 'This gateway replica is shutting down; retry.', {
        code: 'shutting_down',
        retryAfter: 1,
      });
      return;
    }
    if (this.active.size >= this.env.maxInFlight) {
      ingressOverloadRefusals.inc({ route });
      sendError(reply, format, 503, 'The gateway is at capacity; retry shortly.', {
        code: 'overloaded',
        retryAfter: 1,
      });
      return;
    }
    const abort = new AbortController();
    this.active.add(abort);
    ingressInFlight.inc();
    const trace = startTrace(request.id, route, format, request.headers);
    const span = RequestSpan.start(request, trace);
    const onClose = () => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.once('close', onClose);
    // Body logging: a branch on a boolean; off, nothing is copied.
    const answer = this.env.bodyLog.enabled ? new BodyCapture(this.env.bodyLog.maxBytes) : null;
    if (answer) captureWrites(reply.raw, answer);
    let failure: unknown = null;
    try {
      await (span ? span.run(() => handle(abort.signal, trace)) : handle(abort.signal, trace));
    } catch (err) {
      failure = err;
      renderFailure(err, format, request, reply);
    } finally {
      this.active.delete(abort);
      if (this.active.size === 0) this.onIdle?.();
      ingressInFlight.dec();
      reply.raw.off('close', onClose);
      trace.status = reply.raw.statusCode;
      requestsBy(route, format, String(trace.status)).inc();
      durationBy(route, format).observe((performance.now() - trace.startedAt) / 1000);
      span?.end(trace, failure);
      // Only a metered request (one with a key) has a record to carry them.
      if (answer && trace.key) {
        trace.bodies = loggedBodies(
          requestCapture(request, this.env.bodyLog.maxBytes),
          answer,
          presentedCredentials(request.headers),
        );
      }
      this.observers.notify(trace);
    }
  }
}

/** The client's body as the data plane parsed it, serialised again (absent: none was sent). */
function requestCapture(request: DataPlaneRequest, maxBytes: number): BodyCapture | undefined {
  if (request.body === undefined || request.body === null) return undefined;
  const capture = new BodyCapture(maxBytes);
  capture.append(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
  return capture;
}

function renderFailure(
  err: unknown,
  format: WireFormat,
  request: DataPlaneRequest,
  reply: DataPlaneReply,
): void {
  if (reply.sent || reply.raw.headersSent) {
    if (!reply.raw.writableEnded) reply.raw.end();
  } else if (err instanceof GatewayError) {
    sendError(reply, format, err.status, err.message, err.details);
  } else if (err instanceof UpstreamClientError) {
    // The provider refused the request itself (400, 404, 422, ...): relayed as it said it when it speaks the
    // caller's format, else its message in the caller's envelope.
    const foreign = foreignUpstreamError(format, err.body);
    if (foreign === null) {
      void reply.code(err.status).header('content-type', err.contentType).send(err.body);
    } else {
      sendError(reply, format, err.status, foreign, {});
    }
  } else {
    logger.error(`request ${request.id} failed: ${(err as Error).stack ?? String(err)}`);
    const fault = gatewayFault(request.id);
    sendError(reply, format, fault.status, fault.message, fault.details);
  }
}

export function sendError(
  reply: DataPlaneReply,
  format: WireFormat,
  status: number,
  message: string,
  details: GatewayError['details'],
): void {
  if (details.retryAfter !== undefined) reply.header('retry-after', String(details.retryAfter));
  void reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(errorEnvelope(format, status, message, details));
}
