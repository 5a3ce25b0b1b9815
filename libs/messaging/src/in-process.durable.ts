// The durable channel of embedded mode: an in-memory log per subject with JetStream's semantics where they
// matter to the code above it (a publish resolves once stored; duplicates by message id are dropped within the
// window; a consumer's batch is redelivered until its handler resolves; replicas of a durable share messages).
// It lives as long as the process: in embedded mode ingress and the ledger share that process, so a record
// can only be lost together with the ledger that would have written it.
import { EventContract, EventPayload, parsePayload } from '@relaymesh/contracts';
import type { TraceCarrier } from '@relaymesh/telemetry';
import {
  DEDUP_WINDOW_MS,
  DurableBatchHandler,
  DurableChannel,
  DurableConsumerOptions,
  DurableConsumption,
  DurableMessage,
  lingerForBatch,
} from './durable';
import { InProcessBroker } from './in-process.broker';
import { batchHandledInSpans } from './message-spans';

interface Stored {
  msgId: string;
  /** The payload as it would be on the wire (each delivery parses a fresh copy). */
  wire: string;
  redeliveries: number;
  traceContext: TraceCarrier | null;
  storedAt: number;
}

interface DurableQueue {
  ready: Stored[];
  inFlight: number;
  wake: (() => void)[];
}

class SubjectLog {
  /** msgId → when it was first stored, for de-duplication. */
  readonly seen = new Map<string, number>();
  /** Published before any durable existed: handed to the first one, as JetStream's deliver-all would. */
  readonly backlog: Stored[] = [];
  readonly durables = new Map<string, DurableQueue>();
}

const channels = new WeakMap<InProcessBroker, InProcessDurableChannel>();

export class InProcessDurableChannel extends DurableChannel {
  private readonly logs = new Map<string, SubjectLog>();

  /** One channel per broker, so every app of the embedded process shares it. */
  static for(broker: InProcessBroker): InProcessDurableChannel {
    let channel = channels.get(broker);
    if (!channel) {
      channel = new InProcessDurableChannel();
      channels.set(broker, channel);
    }
    return channel;
  }

  publish<E extends EventContract>(
    event: E,
    payload: EventPayload<E>,
    msgId: string,
    traceContext: TraceCarrier | null = null,
    now = Date.now(),
  ): Promise<void> {
    const log = this.log(event.subject);
    for (const [id, at] of log.seen) {
      if (at > now - DEDUP_WINDOW_MS) break;
      log.seen.delete(id);
    }
    if (log.seen.has(msgId)) return Promise.resolve();
    log.seen.set(msgId, now);
    const stored: Stored = {
      msgId,
      wire: JSON.stringify(payload),
      redeliveries: 0,
      traceContext: traceContext && { ...traceContext },
      storedAt: now,
    };
    if (log.durables.size === 0) log.backlog.push(stored);
    for (const queue of log.durables.values()) {
      queue.ready.push({ ...stored });
      queue.wake.splice(0).forEach((wake) => wake());
    }
    return Promise.resolve();
  }

  consume<E extends EventContract>(
    event: E,
    options: DurableConsumerOptions,
    handler: DurableBatchHandler<E>,
  ): Promise<DurableConsumption> {
    const log = this.log(event.subject);
    let queue = log.durables.get(options.durable);
    if (!queue) {
      queue = { ready: log.backlog.splice(0), inFlight: 0, wake: [] };
      log.durables.set(options.durable, queue);
    }
    const consumer = queue;
    let running = true;
    const loop = (async () => {
      while (running) {
        if (consumer.ready.length === 0) {
          await new Promise<void>((wake) => consumer.wake.push(wake));
          continue;
        }
        // A batch that started gathering is handled even if stop() comes meanwhile (embedded shutdown).
        await lingerForBatch(
          options,
          () => consumer.ready.length,
          () => new Promise<void>((wake) => consumer.wake.push(wake)),
          () => running,
        );
        const taken = consumer.ready.splice(0, options.batchSize);
        consumer.inFlight += taken.length;
        const batch: DurableMessage<E>[] = [];
        const poison: { stored: Stored; reason: string }[] = [];
        for (const stored of taken) {
          try {
            batch.push({
              payload: parsePayload(
                event.subject,
                event.schema,
                JSON.parse(stored.wire),
              ) as EventPayload<E>,
              msgId: stored.msgId,
              redeliveries: stored.redeliveries,
              traceContext: stored.traceContext,
              storedAt: stored.storedAt,
            });
          } catch (err) {
            poison.push({ stored, reason: (err as Error).message });
          }
        }
        /** Taken messages done with for good (a poison one parked), not to be redelivered. */
        const settled = new Set<Stored>();
        try {
          for (const { stored, reason } of poison) {
            await options.onPoison?.({ msgId: stored.msgId, reason, raw: stored.wire });
            settled.add(stored);
          }
          if (batch.length > 0) {
            await batchHandledInSpans(event.subject, options.durable, 'in-process', batch, () =>
              handler(batch),
            );
          }
          consumer.inFlight -= taken.length;
        } catch {
          // Redelivered after the delay, in front of what arrived meanwhile.
          await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
          consumer.inFlight -= taken.length;
          consumer.ready.unshift(
            ...taken
              .filter((s) => !settled.has(s))
              .map((s) => ({ ...s, redeliveries: s.redeliveries + 1 })),
          );
        }
      }
    })();
    return Promise.resolve({
      done: loop,
      stop: async () => {
        running = false;
        consumer.wake.splice(0).forEach((wake) => wake());
        await loop;
      },
      backlog: () =>
        Promise.resolve({ pending: consumer.ready.length, unacknowledged: consumer.inFlight }),
    });
  }

  private log(subject: string): SubjectLog {
    let log = this.logs.get(subject);
    if (!log) {
      log = new SubjectLog();
      this.logs.set(subject, log);
    }
    return log;
  }
}
