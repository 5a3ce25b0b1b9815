// Credit at ingress without a round trip (reservation.ts has the arithmetic and why): admits or refuses each
// request of a key with finite credit, reserves its estimate while it runs, and when it ends holds its actual
// cost as pending until the ledger's key.changed lists its record as debited.
//
// A pending cost never lapses while it may be unbilled (issue 15, D1: a stalled ledger let a $20 key spend $48,
// each time a five-minute expiry dropped costs the ledger had not billed). Without the key.changed naming it (a
// broadcast lost while this replica was disconnected), it is forgotten only once the ledger announced it was
// caught up (nothing waiting, nothing failing) later than the record was stored in the stream, so the record
// is in the key's used_usd by then. Issue 18 replaces all this with credit leases.
import { Injectable } from '@nestjs/common';
import { KeyRecord, UsageRecord } from '@relaymesh/contracts';
import { Price, recordCost } from '@relaymesh/pricing';
import { creditRefusals } from '@relaymesh/telemetry';
import { IngressEnv } from '../config/ingress.env';
import { GatewayError } from '../http/gateway-error';
import { RequestTrace } from '../http/request-trace';
import { PriceBook } from './price-book.service';
import { admit, reservationFor } from './reservation';

/**
 * How far the ledger's clock (its caught-up time) may be behind ours (the record's stored time) without a
 * cost being forgotten too early. Larger only keeps a cost whose key.changed was lost counted a little longer.
 */
export const LEDGER_CLOCK_SKEW_MS = 30_000;

interface KeyCredit {
  reserved: Map<Readonly<RequestTrace>, number>;
  /** Record id → actual cost, and when the stream stored its record (null while it is in the outbox). */
  pending: Map<string, { costUsd: number; storedAt: number | null }>;
}

@Injectable()
export class CreditGuard {
  private readonly keys = new Map<string, KeyCredit>();

  constructor(
    private readonly prices: PriceBook,
    private readonly env: IngressEnv,
  ) {}

  /**
   * Refuses with 402 once the key's credit is used up, or with 403 a model without a price (it cannot be
   * metered against a finite credit); otherwise reserves the request's estimated cost. Unlimited keys pass.
   */
  admit(trace: RequestTrace, key: KeyRecord, model: string, body: unknown): void {
    if (key.unlimited || key.remaining_usd === null) return;
    const price = this.prices.priceOf(model);
    if (!price) {
      creditRefusals.inc({ reason: 'unpriced' });
      throw new GatewayError(
        403,
        `Model '${model}' has no price, so keys with a credit limit cannot use it; ask the operator to price it.`,
        { code: 'model_not_priced' },
      );
    }
    const credit = this.creditOf(key.id);
    const decision = admit({
      remainingUsd: key.remaining_usd,
      reservedUsd: sum(credit.reserved.values()),
      pendingUsd: sum([...credit.pending.values()].map((p) => p.costUsd)),
    });
    if (!decision.ok) {
      creditRefusals.inc({ reason: decision.reason });
      throw new GatewayError(
        402,
        'You exceeded your current quota: the credit of this API key is used up. Ask the operator to add credit.',
        { code: 'insufficient_quota' },
      );
    }
    credit.reserved.set(trace, this.estimate(trace, body, price));
  }

  /** The request ended: its reservation gives way to its actual cost, pending until the ledger debits it. */
  settle(trace: Readonly<RequestTrace>, record: UsageRecord): void {
    const credit = this.keys.get(record.key_id);
    if (!credit) return;
    credit.reserved.delete(trace);
    const cost = recordCost(record, this.prices.priceOf(record.model, record.upstream_model));
    if (cost > 0) credit.pending.set(record.id, { costUsd: cost, storedAt: null });
    this.forgetIfIdle(record.key_id, credit);
  }

  /** The record left the outbox: JetStream (or the in-process channel) stored it at `at`. */
  stored(keyId: string, recordId: string, at = Date.now()): void {
    const pending = this.keys.get(keyId)?.pending.get(recordId);
    if (pending) pending.storedAt = at;
  }

  /**
   * The ledger announced it was caught up at `caughtUpAt` (its clock): every record stored before then is
   * billed, so a cost still pending for one of them only lost its key.changed and is forgotten.
   */
  ledgerCaughtUp(caughtUpAt: number): void {
    for (const [keyId, credit] of this.keys) {
      for (const [id, { storedAt }] of credit.pending) {
        if (storedAt !== null && storedAt + LEDGER_CLOCK_SKEW_MS < caughtUpAt) {
          credit.pending.delete(id);
        }
      }
      this.forgetIfIdle(keyId, credit);
    }
  }

  /** key.changed from the ledger: the listed records are now in the key's used_usd. */
  debited(keyId: string, recordIds: readonly string[]): void {
    const credit = this.keys.get(keyId);
    if (!credit) return;
    for (const id of recordIds) credit.pending.delete(id);
    this.forgetIfIdle(keyId, credit);
  }

  private estimate(trace: RequestTrace, body: unknown, price: Price): number {
    return reservationFor(
      {
        bodyChars: JSON.stringify(body ?? null).length,
        maxTokens: trace.maxTokens,
        defaultOutputTokens: this.env.usage.defaultOutputTokens,
        producesOutput: trace.route !== 'embeddings',
      },
      price,
    );
  }

  private creditOf(keyId: string): KeyCredit {
    let credit = this.keys.get(keyId);
    if (!credit) {
      credit = { reserved: new Map(), pending: new Map() };
      this.keys.set(keyId, credit);
    }
    return credit;
  }

  private forgetIfIdle(keyId: string, credit: KeyCredit): void {
    if (credit.reserved.size === 0 && credit.pending.size === 0) this.keys.delete(keyId);
  }
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
