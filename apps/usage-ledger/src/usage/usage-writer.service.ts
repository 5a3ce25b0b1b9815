// The durable consumer of usage.recorded: prices each batch of records, writes them and debits their keys in
// one transaction, and only then lets the channel acknowledge them; a failed transaction leaves the batch for
// redelivery. After the commit it announces each debited key's new balance (one key.changed per key per
// batch, carrying the record ids it debited so ingress can drop its pending estimates for them).
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { KeyChanged, Price, UsageRecord, UsageRecorded, priceUsage } from '@relaymesh/contracts';
import {
  DurableChannel,
  DurableConsumption,
  DurableMessage,
  MessageBus,
} from '@relaymesh/messaging';
import {
  ledgerBatchFailures,
  ledgerConsumerPending,
  ledgerConsumerUnacknowledged,
  ledgerCost,
  ledgerRecords,
  ledgerTokens,
  ledgerUnpriced,
} from '@relaymesh/telemetry';
import { toKeyRecord } from '../keys/client-key-view';
import { PricingService } from '../pricing/pricing.service';
import { PricedRecord, UsageRepository } from './usage.repository';

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

/** The price of a record: its model as the client named it, else the upstream model. */
export function priceFor(record: UsageRecord, prices: ReadonlyMap<string, Price>): Price | null {
  return (
    (record.model !== null ? prices.get(record.model) : undefined) ??
    (record.upstream_model !== null ? prices.get(record.upstream_model) : undefined) ??
    null
  );
}

@Injectable()
export class UsageWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsageWriter.name);
  private consumption: DurableConsumption | null = null;
  private stopping = false;
  private backlogTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly durable: DurableChannel,
    private readonly usage: UsageRepository,
    private readonly pricing: PricingService,
    private readonly bus: MessageBus,
  ) {}

  onApplicationBootstrap(): void {
    void this.start();
    this.backlogTimer = setInterval(() => void this.sampleBacklog(), BACKLOG_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.backlogTimer) clearInterval(this.backlogTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.consumption?.stop();
  }

  /** Writes one batch; rejects (so it is redelivered) when the price look-up or the transaction fails. */
  async write(batch: DurableMessage<typeof UsageRecorded>[]): Promise<void> {
    try {
      await this.writeBatch(batch);
    } catch (err) {
      // Counted whichever step failed (a database outage fails the price look-up first).
      ledgerBatchFailures.inc();
      throw err;
    }
  }

  private async writeBatch(batch: DurableMessage<typeof UsageRecorded>[]): Promise<void> {
    const records = batch.map((m) => m.payload);
    const prices = await this.pricing.pricesOf(
      records.flatMap((r) => [r.model, r.upstream_model].filter((m): m is string => m !== null)),
    );
    const priced: PricedRecord[] = records.map((record) => {
      const price = priceFor(record, prices);
      if (!price) ledgerUnpriced.inc();
      return {
        record,
        costUsd: price
          ? priceUsage(
              {
                input: record.input_tokens,
                output: record.output_tokens,
                cacheRead: record.cache_read_tokens,
                cacheWrite: record.cache_write_tokens,
              },
              price,
            )
          : 0,
      };
    });
    const committed = await this.usage.commit(priced);
    ledgerRecords.inc({ result: 'committed' }, committed.inserted.length);
    ledgerRecords.inc({ result: 'duplicate' }, batch.length - committed.inserted.length);
    for (const { record, costUsd } of committed.inserted) {
      const model = record.model ?? 'unknown';
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
        key: toKeyRecord(key),
        debited: recordIds,
      });
    }
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
          onPoison: (msgId, reason) => {
            ledgerRecords.inc({ result: 'poison' });
            this.logger.error(`usage record ${msgId} dropped: ${reason}`);
          },
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

  private async sampleBacklog(): Promise<void> {
    const backlog = await this.consumption?.backlog().catch(() => null);
    if (!backlog) return;
    ledgerConsumerPending.set(backlog.pending);
    ledgerConsumerUnacknowledged.set(backlog.unacknowledged);
  }
}
