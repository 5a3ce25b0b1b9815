// The durable consumer of usage.recorded: prices each batch of records, writes them and debits their keys in
// one transaction, and only then lets the channel acknowledge them. After the commit it announces each debited
// key's new balance (one key.changed per key per batch, carrying the record ids it debited so ingress can drop
// its pending estimates for them).
//
// One bad record never holds up the others (issue 15, D1), the same in both transports because it is decided
// here: when Postgres refuses the data of a batch (a data error, not an outage), the batch is halved until the
// refused records are alone, the rest commits, and a record refused on its own a few times is parked in the
// dead-letter table (counted, logged once, alerted on). A record breaking the contract is parked too. Any other
// failure (the database is away) leaves the whole batch for redelivery and parks nothing. While it holds
// records unwritten, the age of the oldest is a metric and, past a bound, /readyz says metering is behind;
// while nothing waits, it announces that it is caught up, which ingress's credit guard waits for.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { KeyChanged, LedgerCaughtUp, UsageRecord, UsageRecorded } from '@relaymesh/contracts';
import {
  DurableChannel,
  DurableConsumption,
  DurableMessage,
  MessageBus,
  PoisonMessage,
} from '@relaymesh/messaging';
import { isDataError, sqlStateOf } from '@relaymesh/persistence';
import { priceOf, recordCost } from '@relaymesh/pricing';
import {
  catalogueModelLabel,
  ledgerBatchFailures,
  ledgerConsumerPending,
  ledgerConsumerUnacknowledged,
  ledgerCost,
  ledgerDeadLetters,
  ledgerRecords,
  ledgerTokens,
  ledgerUnpriced,
  ledgerUnwrittenAgeSeconds,
  markLedgerUnwrittenSince,
  readiness,
} from '@relaymesh/telemetry';
import { toKeyRecord } from '../keys/client-key-view';
import { PricingService } from '../pricing/pricing.service';
import { DeadLetter, DeadLetterRepository } from './dead-letter.repository';
import { writeIsolatingRefused } from './isolate-refused';
import { AlongsideCommit, CommittedBatch, PricedRecord, UsageRepository } from './usage.repository';

type UsageMessage = DurableMessage<typeof UsageRecorded>;

/** The durable consumer's name: every ledger replica pulls from the same one. */
export const LEDGER_CONSUMER = 'usage-ledger';
const BATCH_SIZE = 200;
const RETRY_DELAY_MS = 1_000;
/**
 * How long a batch smaller than BATCH_SIZE waits for more records: at a few hundred requests a second that is
 * one transaction for tens of records instead of one each (the transaction, not the record, is what costs).
 * Balances are debited this much later; ingress counts what it has not seen debited yet (credit guard).
 */
const LINGER_MS = 50;
const BACKLOG_EVERY_MS = 5_000;
/** Times a record Postgres refuses is written on its own before it is parked. */
const MAX_REFUSALS = 3;
/** Past this, a record held unwritten means metering is behind: /readyz says so (the drills' outages are shorter). */
export const METERING_STALL_SECONDS = 30;

/**
 * The record's model as the metrics' label: a catalogue model (a channel was tried for it), else `other`, so
 * the series stay bounded whatever model names clients send (issue 15, D4).
 */
export function ledgerModelLabel(record: UsageRecord): string {
  return (
    catalogueModelLabel(record.model, record.attempts > 0 && record.channel_id !== null) ?? 'other'
  );
}

@Injectable()
export class UsageWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsageWriter.name);
  private consumption: DurableConsumption | null = null;
  private stopping = false;
  private backlogTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** When the oldest record this replica holds unwritten was stored; null when it holds none. */
  private unwritten: number | null = null;

  constructor(
    private readonly durable: DurableChannel,
    private readonly usage: UsageRepository,
    private readonly pricing: PricingService,
    private readonly bus: MessageBus,
    private readonly deadLetters: DeadLetterRepository,
  ) {}

  onApplicationBootstrap(): void {
    readiness.register(
      'usage-ledger:metering',
      () => ledgerUnwrittenAgeSeconds() < METERING_STALL_SECONDS,
    );
    void this.start();
    this.backlogTimer = setInterval(() => void this.sampleBacklog(), BACKLOG_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.backlogTimer) clearInterval(this.backlogTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.consumption?.stop();
    readiness.unregister('usage-ledger:metering');
    markLedgerUnwrittenSince(null);
  }

  /**
   * Writes one batch, parking the records Postgres refuses; rejects (so the whole batch is redelivered) only
   * when the database failed, not the data.
   */
  async write(batch: UsageMessage[]): Promise<void> {
    this.holding(batch);
    try {
      const refused = await writeIsolatingRefused(
        batch,
        (part) => this.writeBatch(part),
        isDataError,
        MAX_REFUSALS,
      );
      await this.park(
        refused.map(({ item, error, attempts }) => ({
          letter: {
            msgId: item.msgId,
            recordId: item.payload.id,
            payload: item.payload,
            reason: refusalReason(error),
            attempts,
          },
          reason: 'database_refused',
        })),
      );
    } catch (err) {
      // Counted whichever step failed (a database outage fails the price look-up first).
      ledgerBatchFailures.inc();
      throw err;
    }
    this.unwritten = null;
    markLedgerUnwrittenSince(null);
  }

  /** A message that broke the contract: parked (so it can be read and replayed), never retried. */
  async parkPoison({ msgId, reason, raw }: PoisonMessage): Promise<void> {
    let payload: unknown = raw;
    try {
      payload = JSON.parse(raw);
    } catch {
      // Not JSON at all: kept as the text it was.
    }
    const id = (payload as { id?: unknown } | null)?.id;
    await this.park([
      {
        letter: {
          msgId,
          recordId: typeof id === 'string' ? id : null,
          payload,
          reason,
          attempts: 1,
        },
        reason: 'contract_violation',
      },
    ]);
  }

  /** Parks the letters; counts and logs each the first time it is parked (a redelivery parks it again). */
  private async park(
    letters: { letter: DeadLetter; reason: 'database_refused' | 'contract_violation' }[],
  ): Promise<void> {
    if (letters.length === 0) return;
    const fresh = new Set(await this.deadLetters.park(letters.map((l) => l.letter)));
    for (const { letter, reason } of letters) {
      if (!fresh.has(letter.msgId)) continue;
      ledgerDeadLetters.inc({ reason });
      ledgerRecords.inc({ result: reason === 'contract_violation' ? 'poison' : 'refused' });
      this.logger.error(
        `usage record ${letter.msgId} parked in usage_dead_letters, unbilled (${reason}, ${letter.attempts} attempts): ${letter.reason}`,
      );
    }
  }

  /** The oldest record in hand was stored when: kept across redeliveries until a write succeeds. */
  private holding(batch: UsageMessage[]): void {
    const oldest = Math.min(...batch.map((m) => m.storedAt));
    if (this.unwritten === null || oldest < this.unwritten) {
      this.unwritten = oldest;
      markLedgerUnwrittenSince(oldest);
    }
  }

  private async writeBatch(batch: readonly UsageMessage[]): Promise<void> {
    const committed = await this.commitRecords(batch.map((m) => m.payload));
    ledgerRecords.inc({ result: 'duplicate' }, batch.length - committed.inserted.length);
  }

  /**
   * The one way a usage record is stored: priced, written with its key's debit in one transaction (with
   * `alongside` in it too), then counted and announced. A record id already stored is neither written nor
   * debited again. The consumer's batches and an operator's replay of a dead letter both come here.
   */
  async commitRecords(
    records: readonly UsageRecord[],
    alongside?: AlongsideCommit,
    nowMs = Date.now(),
  ): Promise<CommittedBatch> {
    const prices = await this.pricing.pricesOf(
      records.flatMap((r) => [r.model, r.upstream_model].filter((m): m is string => m !== null)),
    );
    const priced: PricedRecord[] = records.map((record) => {
      const price = priceOf(prices, record.model, record.upstream_model);
      if (!price) ledgerUnpriced.inc();
      return { record, costUsd: recordCost(record, price) };
    });
    const committed = await this.usage.commit(priced, alongside, nowMs);
    ledgerRecords.inc({ result: 'committed' }, committed.inserted.length);
    for (const { record, costUsd } of committed.inserted) {
      const model = ledgerModelLabel(record);
      ledgerTokens.inc({ model, kind: 'input' }, record.input_tokens);
      ledgerTokens.inc({ model, kind: 'output' }, record.output_tokens);
      ledgerTokens.inc({ model, kind: 'cache_read' }, record.cache_read_tokens);
      ledgerTokens.inc({ model, kind: 'cache_write' }, record.cache_write_tokens);
      ledgerCost.inc({ model }, costUsd);
    }
    for (const { key, recordIds } of committed.debited) {
      this.bus.emit(KeyChanged, {
        id: key.id,
        key_hash: key.keyHash,
        key: toKeyRecord(key, nowMs),
        debited: recordIds,
      });
    }
    return committed;
  }

  private async start(): Promise<void> {
    try {
      const consumption = await this.durable.consume(
        UsageRecorded,
        {
          durable: LEDGER_CONSUMER,
          batchSize: BATCH_SIZE,
          retryDelayMs: RETRY_DELAY_MS,
          lingerMs: LINGER_MS,
          onPoison: (poison) => this.parkPoison(poison),
        },
        (batch) => this.write(batch),
      );
      this.consumption = consumption;
      this.logger.log('consuming usage.recorded');
      // A consumption the server ended (not stop()) is started again.
      void consumption.done.then(() => {
        if (!this.stopping) this.retryLater('the consumption ended');
      });
    } catch (err) {
      this.retryLater((err as Error).message);
    }
  }

  private retryLater(reason: string): void {
    if (this.stopping) return;
    this.logger.warn(`usage consumer not running (${reason}); retrying`);
    this.retryTimer = setTimeout(() => void this.start(), RETRY_DELAY_MS);
  }

  /**
   * Samples the consumer's lag; when nothing waits (nothing stored undelivered or unacknowledged by any replica,
   * nothing held here), announces that the ledger was caught up when the sample began.
   */
  private async sampleBacklog(): Promise<void> {
    const sampledAt = Date.now();
    const backlog = await this.consumption?.backlog().catch(() => null);
    if (!backlog) return;
    ledgerConsumerPending.set(backlog.pending);
    ledgerConsumerUnacknowledged.set(backlog.unacknowledged);
    if (backlog.pending === 0 && backlog.unacknowledged === 0 && this.unwritten === null) {
      this.bus.emit(LedgerCaughtUp, { caught_up_at: new Date(sampledAt).toISOString() });
    }
  }
}

/** What the dead-letter row says about a refusal: Postgres's SQLSTATE and message. */
export function refusalReason(error: unknown): string {
  const state = sqlStateOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return state === null ? message : `${state}: ${message}`;
}
