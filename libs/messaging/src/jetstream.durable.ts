// The durable channel on NATS JetStream (distributed mode). One stream per durable subject, created when first
// needed by whichever side comes first (idempotently), with a dedup window so a publish retried with the same
// message id is stored once; a durable pull consumer with explicit acks, acknowledged only after the handler
// resolved. Its own NATS connection (not Nest's) so the JetStream API is used directly; it reconnects for
// ever, like the bus's.
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventContract, EventPayload, parsePayload } from '@relaymesh/contracts';
import { TraceCarrier, carrierFromHeaders, readiness } from '@relaymesh/telemetry';
import {
  AckPolicy,
  ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  JsMsg,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { NatsConnection as NatsClient, connect, headers, nanos } from '@nats-io/transport-node';
import {
  DEDUP_WINDOW_MS,
  DurableBatchHandler,
  DurableChannel,
  DurableConsumerOptions,
  DurableConsumption,
  DurableMessage,
  PoisonMessage,
  lingerForBatch,
} from './durable';
import { JetStreamAcks } from './jetstream-acks';
import { batchHandledInSpans } from './message-spans';
import { NatsConnection, prefixed } from './nats.transport';

/** A publish not acknowledged by JetStream within this is failed (the caller keeps the message and retries). */
const PUBLISH_TIMEOUT_MS = 5_000;
/** Stored records are kept a week (a replay window for audits), acknowledged or not. */
const MAX_AGE_MS = 7 * 24 * 3600_000;
/** An unacknowledged delivery is redelivered after this (a consumer that died mid-batch). */
const ACK_WAIT_MS = 10_000;

/** `RELAYMESH_<PREFIX>_USAGE_RECORDED_V1`: stream names allow letters, digits, `_` and `-` only. */
export function streamNameFor(prefix: string, subject: string): string {
  return `relaymesh_${prefix ? `${prefix}_` : ''}${subject}`
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .toUpperCase();
}

function withTimeout<T>(pending: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    pending,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A publish's headers: JetStream's dedup key (a retried publish of the same record is stored once), and the
 * sender's trace context when tracing is on. */
function publishHeaders(msgId: string, carrier: TraceCarrier | null) {
  const h = headers();
  h.set('Nats-Msg-Id', msgId);
  for (const [key, value] of Object.entries(carrier ?? {})) h.set(key, value);
  return h;
}

export class JetStreamChannel extends DurableChannel implements OnApplicationShutdown {
  private readonly logger = new Logger('JetStream');
  private client: Promise<NatsClient> | null = null;
  private readonly streams = new Map<string, Promise<string>>();
  /**
   * Set once the connection is up and the stream known, so each publish after that skips the waits (three
   * timers and promise races per record otherwise): the acknowledgement tracker and the subjects whose stream
   * exists.
   */
  private ready: { acks: JetStreamAcks; subjects: Set<string> } | null = null;
  private readonly consumptions = new Set<DurableConsumption>();

  constructor(private readonly connection: NatsConnection) {
    super();
  }

  async publish<E extends EventContract>(
    event: E,
    payload: EventPayload<E>,
    msgId: string,
    traceContext: TraceCarrier | null = null,
  ): Promise<void> {
    try {
      let acks: JetStreamAcks;
      if (this.ready?.subjects.has(event.subject)) {
        acks = this.ready.acks;
      } else {
        const nc = await withTimeout(this.nats(), PUBLISH_TIMEOUT_MS, 'NATS connection');
        await withTimeout(this.stream(nc, event.subject), PUBLISH_TIMEOUT_MS, 'JetStream stream');
        this.ready ??= { acks: new JetStreamAcks(nc, PUBLISH_TIMEOUT_MS), subjects: new Set() };
        this.ready.subjects.add(event.subject);
        acks = this.ready.acks;
      }
      await acks.publish(
        this.subject(event),
        JSON.stringify(payload),
        publishHeaders(msgId, traceContext),
      );
    } catch (err) {
      // The stream may have gone (a NATS without storage restarted): look for it again next time.
      this.streams.delete(event.subject);
      this.ready?.subjects.delete(event.subject);
      throw err;
    }
  }

  async consume<E extends EventContract>(
    event: E,
    options: DurableConsumerOptions,
    handler: DurableBatchHandler<E>,
  ): Promise<DurableConsumption> {
    const nc = await this.nats();
    const stream = await this.stream(nc, event.subject);
    const jsm = await jetstreamManager(nc);
    const config: Partial<ConsumerConfig> = {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ACK_WAIT_MS),
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: options.batchSize * 20,
      filter_subject: this.subject(event),
    };
    try {
      await jsm.consumers.add(stream, config);
    } catch (err) {
      // Another replica created it with a different config first: use theirs, update ours next deploy.
      if (!(await jsm.consumers.info(stream, options.durable).catch(() => null))) throw err;
    }
    const consumer = await jetstream(nc).consumers.get(stream, options.durable);
    const messages = await consumer.consume({ max_messages: options.batchSize * 2 });

    const buffer: JsMsg[] = [];
    // The reader wakes the worker when a message arrives (an object: both closures change it).
    const signal: { wake: (() => void) | null } = { wake: null };
    let running = true;
    const reader = (async () => {
      for await (const msg of messages) {
        buffer.push(msg);
        signal.wake?.();
      }
      running = false;
      signal.wake?.();
    })();
    const worker = (async () => {
      while (running) {
        if (buffer.length === 0) {
          await new Promise<void>((resolve) => (signal.wake = resolve));
          signal.wake = null;
          continue;
        }
        await lingerForBatch(
          options,
          () => buffer.length,
          () =>
            new Promise<void>((resolve) => {
              // Cleared by its own call only: after a linger that timed out, the worker may have set another.
              const wake = () => {
                if (signal.wake === wake) signal.wake = null;
                resolve();
              };
              signal.wake = wake;
            }),
          () => running,
        );
        await this.handleBatch(event, buffer.splice(0, options.batchSize), options, handler);
      }
    })();
    const consumption: DurableConsumption = {
      done: Promise.allSettled([reader, worker]).then(() => undefined),
      stop: async () => {
        running = false;
        signal.wake?.();
        await messages.close();
        await Promise.allSettled([reader, worker]);
        this.consumptions.delete(consumption);
      },
      backlog: async () => {
        const info = await jsm.consumers.info(stream, options.durable);
        return { pending: info.num_pending, unacknowledged: info.num_ack_pending };
      },
    };
    this.consumptions.add(consumption);
    return consumption;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.consumptions].map((c) => c.stop()));
    if (this.client) {
      const nc = await withTimeout(this.client, 1_000, 'NATS connection').catch(() => null);
      await nc?.drain().catch(() => undefined);
    }
    this.ready?.acks.close();
  }

  private async handleBatch<E extends EventContract>(
    event: E,
    taken: JsMsg[],
    options: DurableConsumerOptions,
    handler: DurableBatchHandler<E>,
  ): Promise<void> {
    const batch: { msg: JsMsg; message: DurableMessage<E> }[] = [];
    for (const msg of taken) {
      const msgId = msg.headers?.get('Nats-Msg-Id') ?? `${msg.info.stream}:${msg.seq}`;
      let payload: EventPayload<E>;
      try {
        payload = parsePayload(event.subject, event.schema, msg.json()) as EventPayload<E>;
      } catch (err) {
        await this.poisoned(
          msg,
          { msgId, reason: (err as Error).message, raw: msg.string() },
          options,
        );
        continue;
      }
      batch.push({
        msg,
        message: {
          payload,
          msgId,
          redeliveries: msg.info.deliveryCount - 1,
          traceContext: carrierFromHeaders(msg.headers),
          storedAt: Math.floor(msg.info.timestampNanos / 1e6),
        },
      });
    }
    if (batch.length === 0) return;
    try {
      const messages = batch.map((b) => b.message);
      await batchHandledInSpans(event.subject, options.durable, 'nats', messages, () =>
        handler(messages),
      );
    } catch (err) {
      this.logger.warn(
        `${event.subject}: batch of ${batch.length} failed, redelivered in ${options.retryDelayMs} ms: ${(err as Error).message}`,
      );
      batch.forEach((b) => b.msg.nak(options.retryDelayMs));
      return;
    }
    // Acknowledged only now, after the handler's transaction committed; a lost ack means a redelivery, which
    // the handler's idempotency absorbs.
    batch.forEach((b) => b.msg.ack());
  }

  /** Terminated once `onPoison` has parked it; delivered again later when it could not. */
  private async poisoned(
    msg: JsMsg,
    poison: PoisonMessage,
    options: DurableConsumerOptions,
  ): Promise<void> {
    try {
      await options.onPoison?.(poison);
      msg.term();
    } catch (err) {
      this.logger.warn(
        `${msg.subject}: poison message ${poison.msgId} not parked, redelivered in ${options.retryDelayMs} ms: ${(err as Error).message}`,
      );
      msg.nak(options.retryDelayMs);
    }
  }

  private subject(event: EventContract): string {
    return prefixed(this.connection.prefix, event.subject);
  }

  private nats(): Promise<NatsClient> {
    this.client ??= connect({
      servers: this.connection.url,
      name: `${this.connection.name}-jetstream`,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      // No Error (stack capture) built per publish for a trace read only on failure.
      noAsyncTraces: true,
    }).then((nc) => {
      this.reportReadiness(nc);
      return nc;
    });
    return this.client;
  }

  /** From its first use on, /readyz also asks whether this connection (not the bus's) is up. */
  private reportReadiness(nc: NatsClient): void {
    let connected = true;
    readiness.register(`${this.connection.name}:jetstream`, () => connected && !nc.isClosed());
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') connected = false;
        else if (status.type === 'reconnect') connected = true;
      }
    })();
  }

  /** The stream holding `subject`, created if missing; concurrent callers share one look-up. */
  private stream(nc: NatsClient, subject: string): Promise<string> {
    let pending = this.streams.get(subject);
    if (!pending) {
      pending = this.ensureStream(nc, subject);
      pending.catch(() => this.streams.delete(subject));
      this.streams.set(subject, pending);
    }
    return pending;
  }

  private async ensureStream(nc: NatsClient, subject: string): Promise<string> {
    const name = streamNameFor(this.connection.prefix, subject);
    const jsm = await jetstreamManager(nc);
    const exists = await jsm.streams.info(name).then(
      () => true,
      () => false,
    );
    if (!exists) {
      try {
        await jsm.streams.add({
          name,
          subjects: [prefixed(this.connection.prefix, subject)],
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          max_age: nanos(MAX_AGE_MS),
          // Full means refused (the publisher keeps the record and counts it), never silently dropping old ones.
          discard: DiscardPolicy.New,
          duplicate_window: nanos(DEDUP_WINDOW_MS),
        });
        this.logger.log(`created stream ${name}`);
      } catch (err) {
        // Created meanwhile by another process: fine.
        await jsm.streams.info(name).catch(() => {
          throw err;
        });
      }
    }
    return name;
  }
}
