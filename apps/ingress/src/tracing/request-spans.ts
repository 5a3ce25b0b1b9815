// The two spans ingress makes for a data-plane request: the server span around the whole request (child of the
// client's `traceparent` when it sent one) and a client span around each upstream attempt, so failovers show as
// sibling attempts. Both are made only when tracing is on: with tracing off these functions return at their
// first line, and the data path allocates no span and switches no context. What the spans say is decided in
// span-attributes.ts. The upstream request does not get a `traceparent`: most channels are third-party
// providers, to whom trace ids are only a correlation handle on the operator's traffic.
import {
  Span,
  SpanKind,
  SpanStatusCode,
  contextFromHttpHeaders,
  epochMs,
  markFailed,
  traceCarrier,
  tracer,
  tracingEnabled,
  withSpan,
} from '@relaymesh/telemetry';
import type { DataPlaneRequest } from '../http/exchange';
import type { RequestTrace } from '../http/request-trace';
import type { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import type { AttemptResult } from '../relay/attempt';
import {
  AttemptNumber,
  attemptEndAttributes,
  attemptSpanName,
  attemptStartAttributes,
  requestErrorType,
  requestSpanAttributes,
  requestSpanName,
} from './span-attributes';

export class RequestSpan {
  private constructor(
    private readonly span: Span,
    private readonly http: { method: string; route: string },
  ) {}

  /** The request's server span, or null when tracing is off. */
  static start(request: DataPlaneRequest, trace: Readonly<RequestTrace>): RequestSpan | null {
    if (!tracingEnabled()) return null;
    const http = { method: request.method, route: request.routeOptions.url ?? request.url };
    const span = tracer().startSpan(
      requestSpanName(trace, http),
      { kind: SpanKind.SERVER, startTime: epochMs(trace.startedAt) },
      contextFromHttpHeaders(request.headers),
    );
    return new RequestSpan(span, http);
  }

  /** Runs the request's handling with this span active: attempts and NATS messages become its children. */
  run<T>(work: () => T): T {
    return withSpan(this.span, work);
  }

  /** Ends the span with what the request did; leaves its trace context on the trace for the usage record. */
  end(trace: RequestTrace, failure: unknown): void {
    const errorType = requestErrorType(trace.status, failure, trace.lateError);
    this.span.updateName(requestSpanName(trace, this.http));
    this.span.setAttributes(requestSpanAttributes(trace, this.http, errorType));
    // A server span is an error for a 5xx or a broken answer; a 4xx is the client's (semconv), error.type says.
    if (trace.status >= 500 || trace.lateError !== null) {
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
    trace.traceContext = withSpan(this.span, () => traceCarrier());
  }
}

/**
 * Runs one upstream attempt inside its own client span when tracing is on (else just runs it). The attempt's
 * outcome report to the health-prober is sent inside it, so the prober's handling joins the trace too.
 */
export async function tracedAttempt(
  trace: Readonly<RequestTrace>,
  which: AttemptNumber,
  channel: IngressChannel,
  upstreamModel: string,
  attempt: () => Promise<AttemptResult>,
): Promise<AttemptResult> {
  if (!tracingEnabled()) return attempt();
  const span = tracer().startSpan(attemptSpanName(trace.route, upstreamModel), {
    kind: SpanKind.CLIENT,
    attributes: attemptStartAttributes(trace, which, channel, upstreamModel),
  });
  try {
    const result = await withSpan(span, attempt);
    span.setAttributes(attemptEndAttributes(result));
    if (!result.ok || result.lateError !== null) span.setStatus({ code: SpanStatusCode.ERROR });
    return result;
  } catch (err) {
    const attributes = attemptEndAttributes({ thrown: err });
    span.setAttributes(attributes);
    markFailed(span, String(attributes['error.type']));
    throw err;
  } finally {
    span.end();
  }
}
