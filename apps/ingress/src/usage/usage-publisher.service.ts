// Publishes one usage.recorded per finished data-plane request that had a key, durably (JetStream, or the
// in-process channel in embedded mode), through the bounded outbox: a failed publish is retried with back-off
// under the same id until it is stored; on graceful shutdown the outbox is flushed before the connection
// closes. The request path never waits on any of it: the observer only builds the record and enqueues it.
// Each record travels with its request's trace context (when tracing is on), so the ledger's commit of it is a
// span of that request's trace.
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { UsageRecord, UsageRecorded } from '@relaymesh/contracts';
import { DurableChannel } from '@relaymesh/messaging';
import {
  TraceCarrier,
  usageOutboxDepth,
  usageOutboxDropped,
  usagePublishes,
} from '@relaymesh/telemetry';
import { randomUUID } from 'node:crypto';
import { IngressEnv } from '../config/ingress.env';
import { DataPlane } from '../http/data-plane';
import { RequestObservers, RequestTrace } from '../http/request-trace';
import { CreditGuard } from '../credit/credit-guard.service';
import { UsageOutbox } from './usage-outbox';
import { toUsageRecord } from './usage-record';

const storedPublishes = usagePublishes.labels('stored');

/** Publishes in flight at once: enough to keep up with thousands of requests a second. */
const MAX_IN_FLIGHT = 256;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;
/** How long a graceful shutdown waits for the outbox to empty. */
const FLUSH_TIMEOUT_MS = 10_000;

interface PendingRecord {
  readonly id: string;
  readonly record: UsageRecord;
  readonly traceContext: TraceCarrier | null;
}

@Injectable()
export class UsagePublisher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsagePublisher.name);
  private readonly outbox: UsageOutbox<PendingRecord>;
  private retryDelayMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastDropLog = 0;
  private pumpScheduled = false;
  private readonly drained: (() => void)[] = [];

  constructor(
    private readonly observers: RequestObservers,
    private readonly durable: DurableChannel,
    private readonly credit: CreditGuard,
    private readonly dataPlane: DataPlane,
    env: IngressEnv,
  ) {
    this.outbox = new UsageOutbox<PendingRecord>(env.usage.outboxMax);
  }

  onModuleInit(): void {
    this.observers.add((trace) => this.record(trace));
  }

  /**
   * Waits (bounded) until every held record is stored: a rolling restart loses nothing. The requests still
   * under way are drained first, so that their records are in the outbox too.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.dataPlane.drain();
    if (this.outbox.size === 0) return;
    this.logger.log(`flushing ${this.outbox.size} usage records before shutdown`);
    this.retryDelayMs = 0;
    this.pump();
    const flushed = await Promise.race([
      new Promise<boolean>((resolve) => this.drained.push(() => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), FLUSH_TIMEOUT_MS)),
    ]);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (!flushed) {
      this.logger.error(`shutdown: ${this.outbox.size} usage records could not be published`);
    }
  }

  record(trace: Readonly<RequestTrace>): void {
    const made = toUsageRecord(trace, randomUUID(), performance.now());
    if (!made) return;
    // The record names the credit lease it was admitted against, so the ledger's debit comes out of it.
    const record = this.credit.settle(trace, made);
    if (!this.outbox.add({ id: record.id, record, traceContext: trace.traceContext })) {
      usageOutboxDropped.inc();
      const now = Date.now();
      if (now - this.lastDropLog > 10_000) {
        this.lastDropLog = now;
        this.logger.error(
          `usage outbox full (${this.outbox.capacity} records): dropping usage records until NATS is back`,
        );
      }
      return;
    }
    usageOutboxDepth.set(this.outbox.size);
    this.schedulePump();
  }

  /**
   * Publishes at the end of this turn of the event loop rather than per request: the records of every request
   * that finished in the turn leave together, in one write to NATS instead of one each.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.retryTimer) return;
    const room = MAX_IN_FLIGHT - this.outbox.inFlightCount;
    if (room <= 0) return;
    for (const pending of this.outbox.take(room)) void this.publish(pending);
  }

  private async publish({ record, traceContext }: PendingRecord): Promise<void> {
    try {
      await this.durable.publish(UsageRecorded, record, record.id, traceContext);
      this.outbox.stored(record.id);
      // From now on the key's lease may be given back (see CreditGuard).
      this.credit.stored(record.key_id, record.id);
      storedPublishes.inc();
      this.retryDelayMs = 0;
    } catch (err) {
      this.outbox.failed(record.id);
      usagePublishes.inc({ result: 'failed' });
      this.backOff((err as Error).message);
    }
    usageOutboxDepth.set(this.outbox.size);
    if (this.outbox.size === 0) this.drained.splice(0).forEach((done) => done());
    else this.schedulePump();
  }

  /** Stops publishing for a while after a failure (NATS away), doubling the pause up to a few seconds. */
  private backOff(reason: string): void {
    if (this.retryTimer) return;
    this.retryDelayMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.retryDelayMs * 2));
    if (this.retryDelayMs === RETRY_MIN_MS) {
      this.logger.warn(`usage publish failed (${reason}); holding records and retrying`);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, this.retryDelayMs);
  }
}
