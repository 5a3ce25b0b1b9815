// Trace context across the messaging layer, on both transports, read back from an in-memory span exporter: the
// SDK is started through the same `startTracing` the apps' register module uses, with an InMemorySpanExporter
// in place of the OTLP one. An event, a request and a durable message sent inside a span are handled in a
// `process <subject>` span that is its child (NATS headers on the real NATS and JetStream; the in-process
// broker's and durable channel's headers in embedded mode); a message sent outside any trace starts none, and
// its handler does not inherit the sender's context (the in-process broker delivers on the sender's stack).
import { Controller, DynamicModule, INestApplication, Module } from '@nestjs/common';
import { EventPayload, RequestPayload, defineEvent, defineRequest } from '@relaymesh/contracts';
import {
  ClientProxyBus,
  ContractPayload,
  DurableChannel,
  DurableMessage,
  InProcessBroker,
  InProcessClient,
  InProcessDurableChannel,
  JetStreamChannel,
  OnEvent,
  OnRequest,
  PrefixedNatsClient,
  TransportConfig,
} from '@relaymesh/messaging';
import { runApp } from '@relaymesh/app';
import {
  SpanKind,
  shutdownTracing,
  startTracing,
  traceCarrier,
  tracer,
  withSpan,
} from '@relaymesh/telemetry';
import { TEST_NATS_URL, deleteStreamsWithPrefix, uniqueTestId, waitFor } from '@relaymesh/testing';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { z } from 'zod';

const Ping = defineEvent('test.trace.ping.v1', z.object({ n: z.number().int() }));
const Echo = defineRequest(
  'test.trace.echo.v1',
  z.object({ n: z.number().int() }),
  z.object({ n: z.number().int() }),
);
const Recorded = defineEvent('test.trace.recorded.v1', z.object({ n: z.number().int() }));

/** The span each handler ran under (null: none), by the number it was sent. */
class Seen {
  readonly spans = new Map<number, string | null>();
}

function activeSpanId(): string | null {
  return trace.getActiveSpan()?.spanContext().spanId ?? null;
}

@Controller()
class TracedHandler {
  constructor(private readonly seen: Seen) {}

  @OnEvent(Ping)
  onPing(@ContractPayload(Ping) { n }: EventPayload<typeof Ping>): void {
    this.seen.spans.set(n, activeSpanId());
  }

  @OnRequest(Echo)
  echo(@ContractPayload(Echo) { n }: RequestPayload<typeof Echo>): { n: number } {
    this.seen.spans.set(n, activeSpanId());
    return { n };
  }
}

@Module({})
class TracedModule {
  static forRoot(seen: Seen): DynamicModule {
    return {
      module: TracedModule,
      controllers: [TracedHandler],
      providers: [{ provide: Seen, useValue: seen }],
    };
  }
}

const exporter = new InMemorySpanExporter();

function spansNamed(name: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.name === name);
}

/** Runs `send` inside a fresh span (ended after it), returning that span's ids. */
async function insideSpan(
  name: string,
  send: () => Promise<unknown> | void,
): Promise<{ traceId: string; spanId: string }> {
  const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL });
  try {
    await withSpan(span, send);
  } finally {
    span.end();
  }
  return span.spanContext();
}

function processSpanFor(subject: string, parentSpanId: string): ReadableSpan | undefined {
  return spansNamed(`process ${subject}`).find(
    (span) => span.parentSpanContext?.spanId === parentSpanId,
  );
}

beforeAll(() => {
  const started = startTracing({ OTEL_TRACES_EXPORTER: 'otlp' }, undefined, {
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  expect(started).toBe(true);
});

afterAll(async () => {
  await shutdownTracing();
});

interface Setup {
  transport: TransportConfig;
  bus: ClientProxyBus;
  durable: () => DurableChannel;
  cleanup: () => Promise<void>;
}

describe.each<'nats' | 'in-process'>(['nats', 'in-process'])('trace context over %s', (kind) => {
  let app: INestApplication;
  let setup: Setup;
  const seen = new Seen();
  const system = kind === 'nats' ? 'nats' : 'in-process';

  beforeAll(async () => {
    if (kind === 'nats') {
      const prefix = uniqueTestId('it_trace');
      const connection = { url: TEST_NATS_URL, prefix, name: 'it-trace' };
      const bus = new ClientProxyBus(
        new PrefixedNatsClient({ ...connection, name: 'it-trace-peer' }),
      );
      const channels: JetStreamChannel[] = [];
      setup = {
        transport: { kind: 'nats', ...connection },
        bus,
        durable: () => {
          const channel = new JetStreamChannel(connection);
          channels.push(channel);
          return channel;
        },
        cleanup: async () => {
          await Promise.all(channels.map((c) => c.onApplicationShutdown()));
          await deleteStreamsWithPrefix(TEST_NATS_URL, prefix);
        },
      };
    } else {
      const broker = new InProcessBroker();
      setup = {
        transport: { kind: 'in-process', broker, name: 'it-trace' },
        bus: new ClientProxyBus(new InProcessClient(broker)),
        durable: () => InProcessDurableChannel.for(broker),
        cleanup: () => Promise.resolve(),
      };
    }
    app = await runApp(TracedModule.forRoot(seen), {
      transport: setup.transport,
      listenPort: null,
      logLevels: ['error', 'fatal'],
    });
    await setup.bus.onModuleInit();
  });

  afterAll(async () => {
    await app?.close();
    await setup?.bus.onApplicationShutdown();
    await setup?.cleanup();
  });

  it('should handle an event sent inside a span in a consumer span that is its child', async () => {
    const n = 1;
    const sender = await insideSpan('send ping', () => setup.bus.emit(Ping, { n }));

    const handled = await waitFor(() => processSpanFor(Ping.subject, sender.spanId), {
      what: 'the process span of the ping',
      timeoutMs: 5_000,
    });
    expect(handled.spanContext().traceId).toBe(sender.traceId);
    expect(handled.kind).toBe(SpanKind.CONSUMER);
    expect(handled.attributes).toMatchObject({
      'messaging.system': system,
      'messaging.destination.name': Ping.subject,
      'messaging.operation.type': 'process',
    });
    // The handler ran under it: what it sends in turn joins the same trace.
    expect(seen.spans.get(n)).toBe(handled.spanContext().spanId);
  });

  it('should answer a request sent inside a span in a server span that is its child', async () => {
    const n = 2;
    let reply: { n: number } | null = null;
    const sender = await insideSpan('ask echo', async () => {
      reply = await setup.bus.request(Echo, { n });
    });
    expect(reply).toEqual({ n });

    const handled = await waitFor(() => processSpanFor(Echo.subject, sender.spanId), {
      what: 'the process span of the echo',
      timeoutMs: 5_000,
    });
    expect(handled.spanContext().traceId).toBe(sender.traceId);
    expect(handled.kind).toBe(SpanKind.SERVER);
    expect(seen.spans.get(n)).toBe(handled.spanContext().spanId);
  });

  it('should start no trace for a message sent outside any', async () => {
    const n = 3;
    const before = spansNamed(`process ${Ping.subject}`).length;
    setup.bus.emit(Ping, { n });
    await waitFor(() => seen.spans.has(n), { what: 'the untraced ping handled', timeoutMs: 5_000 });

    expect(seen.spans.get(n)).toBeNull();
    expect(spansNamed(`process ${Ping.subject}`)).toHaveLength(before);
  });

  if (kind === 'in-process') {
    it('should not lend the sender’s context to a handler whose message carries none', async () => {
      // The broker delivers on the sender's async stack; a message without headers must still be handled
      // outside the sender's trace, as it would be on NATS.
      const n = 4;
      const outer = tracer().startSpan('unrelated work');
      const broker = (setup.transport as { broker: InProcessBroker }).broker;
      withSpan(outer, () => broker.publish(Ping.subject, { n }, null));
      outer.end();
      await waitFor(() => seen.spans.has(n), { what: 'the bare ping handled', timeoutMs: 5_000 });

      expect(seen.spans.get(n)).toBeNull();
      expect(processSpanFor(Ping.subject, outer.spanContext().spanId)).toBeUndefined();
    });
  }

  it('should handle each durable message in a span under its publisher’s, batch failures and redeliveries included', async () => {
    const durable = setup.durable();
    const handled: DurableMessage<typeof Recorded>[] = [];
    let failFirst = true;
    const consumption = await durable.consume(
      Recorded,
      { durable: `it-trace-${kind}`, batchSize: 10, retryDelayMs: 50 },
      (batch) => {
        if (failFirst) {
          failFirst = false;
          return Promise.reject(new RangeError('the first delivery fails'));
        }
        handled.push(...batch);
        return Promise.resolve();
      },
    );
    try {
      const publisher = await insideSpan('request', () =>
        durable.publish(Recorded, { n: 5 }, `msg-${kind}-5`, traceCarrier()),
      );
      await durable.publish(Recorded, { n: 6 }, `msg-${kind}-6`, null);
      await waitFor(() => handled.length === 2, {
        what: 'both durable messages handled',
        timeoutMs: 10_000,
      });

      expect(handled.find((m) => m.payload.n === 5)?.traceContext?.['traceparent']).toContain(
        publisher.traceId,
      );
      expect(handled.find((m) => m.payload.n === 6)?.traceContext).toBeNull();
      const processed = await waitFor(
        () => {
          const spans = spansNamed(`process ${Recorded.subject}`).filter(
            (span) => span.parentSpanContext?.spanId === publisher.spanId,
          );
          return spans.length >= 2 ? spans : null;
        },
        { what: 'the failed and the redelivered process spans', timeoutMs: 5_000 },
      );
      // Only the traced message has spans: the failed delivery, then the one that was handled.
      expect(
        spansNamed(`process ${Recorded.subject}`).filter(
          (span) => span.attributes['messaging.system'] === system,
        ),
      ).toHaveLength(2);
      const [failed, redelivered] = [...processed].sort(
        (a, b) =>
          Number(a.attributes['relaymesh.redeliveries']) -
          Number(b.attributes['relaymesh.redeliveries']),
      );
      expect(failed.status.code).toBe(2);
      expect(failed.attributes['error.type']).toBe('RangeError');
      expect(redelivered.status.code).not.toBe(2);
      expect(redelivered.attributes).toMatchObject({
        'messaging.system': system,
        'messaging.consumer.group.name': `it-trace-${kind}`,
        'messaging.message.id': `msg-${kind}-5`,
        'relaymesh.redeliveries': 1,
      });
      expect(redelivered.spanContext().traceId).toBe(publisher.traceId);
      expect(redelivered.kind).toBe(SpanKind.CONSUMER);
    } finally {
      await consumption.stop();
    }
  });
});
