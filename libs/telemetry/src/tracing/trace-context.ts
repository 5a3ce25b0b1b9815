// The small tracing API the apps use, over @opentelemetry/api. Every function is a no-op costing one boolean
// test while tracing is off (no exporter configured: see tracing-settings.ts), so the data path creates no span
// objects and does no context work then. Trace context crosses process boundaries as W3C `traceparent` /
// `tracestate` headers: HTTP in (ingress honours a client's, through the configured propagators), NATS message
// headers between the apps, and the same headers in the in-process transport of embedded mode. Between the apps
// it is always W3C trace context and nothing else: whatever OTEL_PROPAGATORS says for HTTP, and never a client's
// `baggage`, which would carry whatever a caller put in it into every internal message.
import {
  Attributes,
  Context,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  TextMapGetter,
  TextMapSetter,
  TimeInput,
  Tracer,
  context,
  defaultTextMapSetter,
  propagation,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export { SpanKind, SpanStatusCode };
export type { Attributes, Context, Span };

/** The W3C trace-context headers of one message (`traceparent`, and `tracestate` when there is one). */
export type TraceCarrier = Readonly<Record<string, string>>;

const state = { enabled: false, tracer: null as Tracer | null };

/** The propagator of every message between the apps. */
const w3c = new W3CTraceContextPropagator();

/** True once an SDK with an exporter is registered (tracing-sdk.ts); the one test the data path pays. */
export function tracingEnabled(): boolean {
  return state.enabled;
}

/** Called by tracing-sdk.ts once the SDK is registered (and by its shutdown). */
export function setTracingEnabled(enabled: boolean): void {
  state.enabled = enabled;
  state.tracer = null;
}

export function tracer(): Tracer {
  state.tracer ??= trace.getTracer('relaymesh');
  return state.tracer;
}

/** The trace context of `ctx` (the active one by default) as headers, or null when off or there is none. */
export function traceCarrier(ctx: Context = context.active()): TraceCarrier | null {
  if (!state.enabled || !trace.getSpanContext(ctx)) return null;
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier['traceparent'] ? carrier : null;
}

/** A context whose parent is the remote span of a message's `carrier`; ROOT_CONTEXT when it holds none. */
export function contextFromCarrier(carrier: Readonly<Record<string, unknown>>): Context {
  return w3c.extract(ROOT_CONTEXT, carrier, headerObjectGetter);
}

/** The caller's context from an HTTP request's headers, by the configured propagators (W3C by default). */
export function contextFromHttpHeaders(headers: Readonly<Record<string, unknown>>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerObjectGetter);
}

/** Reads trace headers from a plain header object (HTTP request headers, a carrier), first value of a list. */
const headerObjectGetter: TextMapGetter<Readonly<Record<string, unknown>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    return undefined;
  },
};

/** Header maps with `get`/`set` (NATS `MsgHdrs`): what the NATS transport and JetStream carry. */
export interface HeaderMap {
  get(key: string): string;
  set(key: string, value: string): void;
  has(key: string): boolean;
}

/** Copies the active trace context into `headers`; false (nothing written) when off or there is none. */
export function injectInto(headers: HeaderMap, ctx: Context = context.active()): boolean {
  if (!state.enabled || !trace.getSpanContext(ctx)) return false;
  w3c.inject(ctx, headers, headerMapSetter);
  return headers.has('traceparent');
}

/** The trace headers of a header map as a carrier, or null when it has none. */
export function carrierFromHeaders(headers: HeaderMap | undefined): TraceCarrier | null {
  if (!headers?.has('traceparent')) return null;
  const carrier: Record<string, string> = { traceparent: headers.get('traceparent') };
  if (headers.has('tracestate')) carrier['tracestate'] = headers.get('tracestate');
  return carrier;
}

const headerMapSetter: TextMapSetter<HeaderMap> = {
  set: (headers, key, value) => headers.set(key, value),
};

export interface SpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  startTime?: TimeInput;
}

/**
 * Starts a span whose parent is the remote context in `carrier`, or null when tracing is off or the carrier
 * holds no valid context (a message that was not part of a traced request starts no trace of its own).
 */
export function startRemoteChildSpan(
  name: string,
  carrier: TraceCarrier | null,
  options: SpanOptions,
): { span: Span; context: Context } | null {
  if (!state.enabled || !carrier) return null;
  const parent = contextFromCarrier(carrier);
  if (!trace.getSpanContext(parent)) return null;
  const span = tracer().startSpan(name, options, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Runs `work` as the span `name`, child of the remote context in `carrier`, ended when `work` settles (with
 * an error status when it rejects). Without tracing, just runs `work`; with tracing but no carrier, runs it
 * in the root context: what a message handler sees must come from its message, never from whatever context
 * happened to be active where it was scheduled (the in-process transport delivers on the sender's stack).
 */
export async function inRemoteChildSpan<T>(
  name: string,
  carrier: TraceCarrier | null,
  options: SpanOptions,
  work: () => Promise<T>,
): Promise<T> {
  if (!state.enabled) return work();
  const started = startRemoteChildSpan(name, carrier, options);
  if (!started) return context.with(ROOT_CONTEXT, work);
  try {
    return await context.with(started.context, work);
  } catch (err) {
    markFailed(started.span, errorTypeOf(err));
    throw err;
  } finally {
    started.span.end();
  }
}

/** Runs `work` with `span` as the active span (children and outgoing messages see it). */
export function withSpan<T>(span: Span, work: () => T): T {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** Sets `error.type` and the error status. Never the message: upstream messages can quote credentials. */
export function markFailed(span: Span, errorType: string): void {
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** A bounded name for an exception: its class (`TypeError`, `BusRequestError`, ...), never its message. */
export function errorTypeOf(err: unknown): string {
  return err instanceof Error ? err.constructor.name || 'Error' : '_OTHER';
}

/** `performance.now()` readings as span times (the SDK takes epoch milliseconds). */
export function epochMs(performanceNow: number): number {
  return performance.timeOrigin + performanceNow;
}

/** Runs `work` outside any trace (work on behalf of many traces, e.g. a batch, belongs to none of them). */
export function inRootContext<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}
