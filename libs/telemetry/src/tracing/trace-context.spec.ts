import { ROOT_CONTEXT, TraceFlags, createTraceState, propagation, trace } from '@opentelemetry/api';
import {
  HeaderMap,
  SpanKind,
  carrierFromHeaders,
  contextFromCarrier,
  injectInto,
  setTracingEnabled,
  startRemoteChildSpan,
  traceCarrier,
} from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

/** A context with a remote span, a tracestate and a caller's baggage. */
function callerContext() {
  const withSpan = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=abc'),
  });
  return propagation.setBaggage(
    withSpan,
    propagation.createBaggage({ 'user.email': { value: 'someone@example.com' } }),
  );
}

class Headers implements HeaderMap {
  readonly values = new Map<string, string>();
  get(key: string): string {
    return this.values.get(key) ?? '';
  }
  set(key: string, value: string): void {
    this.values.set(key, value);
  }
  has(key: string): boolean {
    return this.values.has(key);
  }
}

describe('trace context between the apps', () => {
  afterEach(() => setTracingEnabled(false));

  it('should carry nothing while tracing is off', () => {
    const headers = new Headers();
    expect(traceCarrier(callerContext())).toBeNull();
    expect(injectInto(headers, callerContext())).toBe(false);
    expect(headers.values.size).toBe(0);
    expect(
      startRemoteChildSpan('x', { traceparent: TRACEPARENT }, { kind: SpanKind.CONSUMER }),
    ).toBeNull();
  });

  it('should carry the W3C trace context, and never the caller’s baggage', () => {
    setTracingEnabled(true);
    expect(traceCarrier(callerContext())).toEqual({
      traceparent: TRACEPARENT,
      tracestate: 'vendor=abc',
    });
    const headers = new Headers();
    expect(injectInto(headers, callerContext())).toBe(true);
    expect([...headers.values.keys()].sort()).toEqual(['traceparent', 'tracestate']);
  });

  it('should carry nothing for a context without a span', () => {
    setTracingEnabled(true);
    expect(traceCarrier(ROOT_CONTEXT)).toBeNull();
    expect(injectInto(new Headers(), ROOT_CONTEXT)).toBe(false);
  });

  it('should read a carrier back into the remote parent it came from', () => {
    const parent = trace.getSpanContext(contextFromCarrier({ traceparent: TRACEPARENT }));
    expect(parent).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true });
    expect(trace.getSpanContext(contextFromCarrier({ traceparent: 'garbage' }))).toBeUndefined();
    expect(trace.getSpanContext(contextFromCarrier({}))).toBeUndefined();
  });

  it('should take only the trace headers of a message', () => {
    const headers = new Headers();
    expect(carrierFromHeaders(headers)).toBeNull();
    expect(carrierFromHeaders(undefined)).toBeNull();
    headers.set('traceparent', TRACEPARENT);
    headers.set('Nats-Msg-Id', 'm-1');
    headers.set('baggage', 'user.email=someone%40example.com');
    expect(carrierFromHeaders(headers)).toEqual({ traceparent: TRACEPARENT });
  });

  it('should start no span for a message without a valid context', () => {
    setTracingEnabled(true);
    const options = { kind: SpanKind.CONSUMER };
    expect(startRemoteChildSpan('process x', null, options)).toBeNull();
    expect(startRemoteChildSpan('process x', { traceparent: 'nope' }, options)).toBeNull();
  });
});
