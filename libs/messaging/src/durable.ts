// At-least-once messages for what must not be lost (usage records): a publish resolves only once the message is
// stored, and a consumer's message is removed only after its handler resolved. Publishes carry a message id;
// a second publish of the same id within the dedup window is dropped, so retrying a publish whose answer was
// lost is safe. Distributed mode: a JetStream stream and durable pull consumer; embedded mode: an in-process
// log with the same semantics. Consumers must still be idempotent (a redelivery after a crash, or a duplicate
// outside the window, reaches them twice). A message may carry the trace context of the request that caused it
// (NATS headers on JetStream, beside the payload in memory), so its consumer's span joins that request's trace.
import { EventContract, EventPayload } from '@relaymesh/contracts';
import type { TraceCarrier } from '@relaymesh/telemetry';

export interface DurableMessage<E extends EventContract> {
  payload: EventPayload<E>;
  msgId: string;
  /** How many times this message was delivered before (0 the first time). */
  redeliveries: number;
  /** The W3C trace context it was published with, or null. */
  traceContext: TraceCarrier | null;
  /** When the channel stored it (ms since the epoch): how long it has waited is the consumer's lag. */
  storedAt: number;
}

/** A message that failed its contract: never handed to the handler, never retried. */
export interface PoisonMessage {
  msgId: string;
  /** The contract's complaint. */
  reason: string;
  /** The payload as it came (text, maybe not JSON), for whoever parks it. */
  raw: string;
}

export interface DurableConsumerOptions {
  /** The consumer's durable name: replicas with the same name share the messages. */
  durable: string;
  /** Messages handed to the handler at most at once (one transaction per batch in the ledger). */
  batchSize: number;
  /** Wait before a failed batch is delivered again. */
  retryDelayMs: number;
  /**
   * Called with a message that fails its contract; once it resolves the message is dropped (terminated), never
   * retried. When it rejects (it could not park the message: its database is away), the message is delivered
   * again after `retryDelayMs`, with the batch it came in.
   */
  onPoison?: (poison: PoisonMessage) => void | Promise<void>;
  /**
   * When fewer than `batchSize` messages are waiting, how long to wait for more before handing them over (one
   * handler call, one transaction, for many messages at low rates too). 0 or absent: at once.
   */
  lingerMs?: number;
}

/**
 * Waits until `waiting()` reaches `batchSize`, `lingerMs` have passed or the consumer stops, whichever comes
 * first. `arrival()` resolves when the next message arrives (or the consumer is stopped).
 */
export async function lingerForBatch(
  options: Pick<DurableConsumerOptions, 'batchSize' | 'lingerMs'>,
  waiting: () => number,
  arrival: () => Promise<void>,
  running: () => boolean,
): Promise<void> {
  const lingerMs = options.lingerMs ?? 0;
  if (lingerMs <= 0 || waiting() >= options.batchSize) return;
  let timer: NodeJS.Timeout | undefined;
  let elapsed = false;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      elapsed = true;
      resolve();
    }, lingerMs);
  });
  try {
    while (!elapsed && running() && waiting() < options.batchSize) {
      await Promise.race([arrival(), timeout]);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when the whole batch is durably handled (then acknowledged); rejects to have it redelivered. */
export type DurableBatchHandler<E extends EventContract> = (
  batch: DurableMessage<E>[],
) => Promise<void>;

export interface DurableConsumption {
  stop(): Promise<void>;
  /** Settles when the consumption ended, by stop() or because the server ended it (then consume again). */
  readonly done: Promise<void>;
  /** Messages stored but not yet delivered, and delivered but not yet acknowledged (consumer lag). */
  backlog(): Promise<{ pending: number; unacknowledged: number }>;
}

export abstract class DurableChannel {
  /**
   * Stores `payload` under `msgId`; rejects when it could not be stored (the caller keeps it and retries).
   * `traceContext` travels with it to the consumer.
   */
  abstract publish<E extends EventContract>(
    event: E,
    payload: EventPayload<E>,
    msgId: string,
    traceContext?: TraceCarrier | null,
  ): Promise<void>;

  abstract consume<E extends EventContract>(
    event: E,
    options: DurableConsumerOptions,
    handler: DurableBatchHandler<E>,
  ): Promise<DurableConsumption>;
}

/** How long a message id is remembered for de-duplication (JetStream's default DuplicateWindow). */
export const DEDUP_WINDOW_MS = 2 * 60_000;
