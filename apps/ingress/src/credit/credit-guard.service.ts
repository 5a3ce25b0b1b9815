// Credit at ingress (issue 18): each replica spends a lease, a slice of the key's balance the ledger granted it
// atomically (key.lease.grant.v1), so no request waits on a round trip until the slice runs low, and the
// slices of every replica never exceed the balance. A request is admitted against the lease at the cost
// learned from the key's actual costs (cost-estimate.ts), never max_tokens; lease.ts has the arithmetic, the
// overshoot bound and why. When the lease cannot cover a request, the replica asks for more; if the ledger has
// none free, the request waits for this replica's requests in flight to end, or for other replicas to give
// back what they hold (the ledger's recall), and is refused with 402 only when what is left of the credit
// cannot cover it.
//
// No cost lapses unbilled (issue 15, D1): a finished request's cost stays spent in the lease until the ledger
// debits it and takes it out of the lease; the replica gives the unspent rest back only once every record of
// the key is stored in the stream, and the ledger drops an ended lease only once it was caught up after.
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  CreditLeaseGrant,
  CreditLeaseRelease,
  KeyRecord,
  ReplyPayload,
  UsageRecord,
} from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { Price, recordCost } from '@relaymesh/pricing';
import { creditRefusals } from '@relaymesh/telemetry';
import { randomUUID } from 'node:crypto';
import { IngressEnv } from '../config/ingress.env';
import { GatewayError } from '../http/gateway-error';
import { RequestTrace } from '../http/request-trace';
import { CostHistory, costCap, firstGuess } from './cost-estimate';
import {
  LeaseState,
  NO_LEASE,
  RequestCost,
  afterShortGrant,
  budgetSpentMessage,
  budgetSpentUntil,
  decide,
  fits,
  granted,
  leaseLeft,
  offlineLease,
  sliceRequests,
  usedUpMessage,
} from './lease';
import { PriceBook } from './price-book.service';

/** How long a request may wait for credit held by requests in flight before it is told to retry. */
export const CREDIT_WAIT_MS = 10_000;
/** Times a request asks again while other replicas hold the rest (100, 200, 400, 800 ms apart). */
const ASK_AGAIN_TIMES = 4;
/** A key's lease idle this long (nothing in flight, every record stored) is given back to the key. */
export const IDLE_RELEASE_MS = 2_000;
const SWEEP_MS = 1_000;
/** After the ledger failed to answer a grant: how long it is not asked, and an offline lease lasts. */
const LEDGER_AWAY_MS = 5_000;
/** After a grant found nothing free, requests with others in flight here wait rather than ask for this long. */
const SHORT_FOR_MS = 1_000;

type GrantReply = ReplyPayload<typeof CreditLeaseGrant>;

/** One key's lease on this replica. */
interface KeyLease {
  grantedUsd: number;
  spentUsd: number;
  expiresAt: number;
  renewAt: number;
  offline: boolean;
  /** Expected costs of the requests in flight. */
  reserved: Map<Readonly<RequestTrace>, number>;
  /** Records of finished requests not yet stored in the stream: the lease is not given back before they are. */
  unstored: Set<string>;
  lastUsedAt: number;
  /** The grant under way, which concurrent requests of the key share. */
  asking: Promise<GrantReply | null> | null;
  /** When a grant last found nothing free for this replica. */
  shortAt: number;
  /** Requests being admitted (waiting for a grant or a settle included). */
  admitting: number;
  /** Requests waiting for one in flight to end. */
  waiters: Set<() => void>;
  /** Requests admitted in the current and the last whole second: how big a slice to ask for. */
  admittedThisSecond: number;
  admittedLastSecond: number;
  secondStartedAt: number;
}

@Injectable()
export class CreditGuard implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CreditGuard.name);
  /** This replica as the holder of its leases; a restarted replica is a new holder. */
  readonly holder = randomUUID();
  private readonly leases = new Map<string, KeyLease>();
  private readonly history = new CostHistory();
  private sweepTimer: NodeJS.Timeout | null = null;
  /** Until when the ledger is taken as away after a grant it did not answer. */
  private ledgerAwayUntil = 0;

  constructor(
    private readonly prices: PriceBook,
    private readonly env: IngressEnv,
    private readonly bus: MessageBus,
  ) {}

  onModuleInit(): void {
    this.sweepTimer = setInterval(() => this.releaseIdle(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  /**
   * Admits the request against the key's lease (reserving its expected cost), or refuses it: 402 once the
   * credit is used up, 403 a model without a price (it cannot be metered against a finite credit), 429 when
   * the rest of the credit is held by requests in flight longer than a request may wait. Unlimited keys pass.
   */
  async admit(trace: RequestTrace, key: KeyRecord, model: string, body: unknown): Promise<void> {
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
    const cost = this.costOf(trace, key.id, model, body, price);
    // Every replica hears the ledger's key.changed: a key it shows used up is refused with no round trip.
    if (key.remaining_usd <= 0) throw usedUp(0, cost.request, null);
    const budgetSpent = budgetSpentUntil(key, Date.now());
    if (budgetSpent !== null) throw budgetUsedUp(key, new Date(budgetSpent).toISOString());
    const lease = this.leaseOf(key.id);
    // While a request is being admitted its key's lease is not idle: the sweep must not give it back.
    lease.admitting++;
    try {
      const deadline = Date.now() + CREDIT_WAIT_MS;
      let askedAgain = 0;
      for (;;) {
        const decision = decide(
          stateOf(lease),
          cost.request,
          Date.now(),
          sliceRequests({
            concurrent: lease.reserved.size + lease.admitting,
            perSecond: Math.max(lease.admittedLastSecond, lease.admittedThisSecond),
          }),
        );
        if (decision.kind === 'admit') break;
        if (lease.reserved.size > 0 && Date.now() - lease.shortAt < SHORT_FOR_MS) {
          // The ledger had nothing free a moment ago: wait for a request here to end instead of asking again.
          await this.waitOrGiveUp(lease, deadline);
          continue;
        }
        let reply = await this.ask(key.id, lease, decision.wantUsd);
        if (reply === null) {
          // The ledger is away: a lease it still keeps is spent as long as it lasts, then the last known balance.
          if (fits(stateOf(lease), cost.request, Date.now())) break;
          Object.assign(
            lease,
            pick(offlineLease(stateOf(lease), key.remaining_usd, Date.now(), LEDGER_AWAY_MS)),
          );
          if (fits(stateOf(lease), cost.request, Date.now())) break;
          reply = {
            found: true,
            unlimited: false,
            granted_usd: 0,
            remaining_usd: leaseLeft(stateOf(lease)),
            held_elsewhere_usd: 0,
            budget_left_usd: null,
            budget_resets_at: null,
            ttl_ms: LEDGER_AWAY_MS,
          };
        }
        if (reply.unlimited) return;
        if (fits(stateOf(lease), cost.request, Date.now())) break;
        const next = reply.found
          ? afterShortGrant({
              inFlight: lease.reserved.size,
              remainingUsd: reply.remaining_usd,
              heldElsewhereUsd: reply.held_elsewhere_usd,
            })
          : 'used-up';
        if (next === 'used-up') {
          // The period budget is what ran out when it holds less than the credit does.
          if (
            reply.budget_resets_at !== null &&
            reply.budget_left_usd !== null &&
            reply.budget_left_usd < reply.remaining_usd
          ) {
            throw budgetUsedUp(key, reply.budget_resets_at);
          }
          throw usedUp(leaseLeft(stateOf(lease)), cost.request, cost.cap);
        }
        lease.shortAt = Date.now();
        if (next === 'wait') {
          await this.waitOrGiveUp(lease, deadline);
        } else {
          if (askedAgain >= ASK_AGAIN_TIMES) throw heldInFlight();
          await sleep(100 * 2 ** askedAgain++);
        }
      }
      lease.reserved.set(trace, cost.request.expectedUsd);
      const now = Date.now();
      lease.lastUsedAt = now;
      if (now - lease.secondStartedAt >= 1_000) {
        lease.admittedLastSecond =
          now - lease.secondStartedAt < 2_000 ? lease.admittedThisSecond : 0;
        lease.admittedThisSecond = 0;
        lease.secondStartedAt = now;
      }
      lease.admittedThisSecond++;
    } finally {
      lease.admitting--;
    }
  }

  /**
   * The request ended: its expected cost gives way to its actual cost, spent from the lease, and learned.
   * Returns the record as it must be published: naming this replica's lease, which its debit is taken from.
   */
  settle(trace: Readonly<RequestTrace>, record: UsageRecord): UsageRecord {
    const lease = this.leases.get(record.key_id);
    if (!lease?.reserved.delete(trace)) return record;
    const cost = recordCost(record, this.prices.priceOf(record.model, record.upstream_model));
    lease.spentUsd += cost;
    lease.lastUsedAt = Date.now();
    if (cost > 0) lease.unstored.add(record.id);
    if (record.model !== null) this.history.learn(record.key_id, record.model, cost);
    for (const wake of lease.waiters) wake();
    return { ...record, credit_holder: this.holder };
  }

  /** The record left the outbox: JetStream (or the in-process channel) stored it. */
  stored(keyId: string, recordId: string): void {
    this.leases.get(keyId)?.unstored.delete(recordId);
  }

  /** Another replica was short while this one holds some of the key: give it back if idle here. */
  recall(keyId: string, requestedBy: string): void {
    const lease = this.leases.get(keyId);
    if (requestedBy === this.holder || !lease || !isIdle(lease)) return;
    this.release(keyId, lease);
  }

  /** Gives back the leases of keys idle for IDLE_RELEASE_MS, so memory and held credit follow busy keys. */
  releaseIdle(now = Date.now()): void {
    for (const [keyId, lease] of this.leases) {
      if (isIdle(lease) && now - lease.lastUsedAt >= IDLE_RELEASE_MS) {
        this.release(keyId, lease, now);
      }
    }
  }

  private release(keyId: string, lease: KeyLease, now = Date.now()): void {
    this.leases.delete(keyId);
    const unspent = leaseLeft(stateOf(lease));
    if (now >= lease.expiresAt || unspent <= 0 || lease.offline) return;
    this.bus
      .request(CreditLeaseRelease, { key_id: keyId, holder: this.holder, release_usd: unspent })
      .catch((err: Error) =>
        // Nothing is lost: the lease expires and its credit returns to the key.
        this.logger.warn(`lease of key ${keyId} not given back (${err.message}); it will expire`),
      );
  }

  /** One grant at a time per key; requests arriving meanwhile share it. Null when the ledger did not answer. */
  private ask(keyId: string, lease: KeyLease, wantUsd: number): Promise<GrantReply | null> {
    // A ledger that just failed to answer is not asked again at once: each request would wait for its timeout.
    if (Date.now() < this.ledgerAwayUntil) return Promise.resolve(null);
    lease.asking ??= (async () => {
      const askedAt = Date.now();
      try {
        const reply = await this.bus.request(CreditLeaseGrant, {
          key_id: keyId,
          holder: this.holder,
          want_usd: wantUsd,
        });
        if (reply.found && !reply.unlimited) {
          Object.assign(
            lease,
            pick(granted(stateOf(lease), reply.granted_usd, reply.ttl_ms, askedAt)),
          );
        }
        return reply;
      } catch (err) {
        this.logger.warn(`no credit lease for key ${keyId}: ${(err as Error).message}`);
        this.ledgerAwayUntil = Date.now() + LEDGER_AWAY_MS;
        return null;
      } finally {
        lease.asking = null;
      }
    })();
    return lease.asking;
  }

  /** Waits for a request of the key to end here, or refuses once the request waited CREDIT_WAIT_MS. */
  private async waitOrGiveUp(lease: KeyLease, deadline: number): Promise<void> {
    if (Date.now() >= deadline) throw heldInFlight();
    await this.nextSettle(lease, deadline);
  }

  private nextSettle(lease: KeyLease, deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
      function wake(): void {
        clearTimeout(timer);
        lease.waiters.delete(wake);
        resolve();
      }
      lease.waiters.add(wake);
    });
  }

  private costOf(
    trace: RequestTrace,
    keyId: string,
    model: string,
    body: unknown,
    price: Price,
  ): { request: RequestCost; cap: { maxTokens: number; costUsd: number } | null } {
    const bodyChars = JSON.stringify(body ?? null).length;
    const producesOutput = trace.route !== 'embeddings';
    const expected = this.history.expected(keyId, model, () =>
      firstGuess(
        {
          bodyChars,
          maxTokens: trace.maxTokens,
          defaultOutputTokens: this.env.usage.defaultOutputTokens,
          producesOutput,
        },
        price,
      ),
    );
    const cap =
      trace.maxTokens !== null && producesOutput
        ? { maxTokens: trace.maxTokens, costUsd: costCap(bodyChars, trace.maxTokens, price) }
        : null;
    return {
      request: {
        expectedUsd: expected.usd,
        learned: expected.learned,
        capUsd: cap?.costUsd ?? null,
      },
      cap,
    };
  }

  private leaseOf(keyId: string): KeyLease {
    let lease = this.leases.get(keyId);
    if (!lease) {
      lease = {
        ...NO_LEASE,
        reserved: new Map(),
        unstored: new Set(),
        lastUsedAt: Date.now(),
        asking: null,
        admitting: 0,
        shortAt: 0,
        waiters: new Set(),
        admittedThisSecond: 0,
        admittedLastSecond: 0,
        secondStartedAt: Date.now(),
      };
      this.leases.set(keyId, lease);
    }
    return lease;
  }
}

/** The lease fields a pure step returns, to write back into the key's lease. */
function pick(
  state: LeaseState,
): Pick<KeyLease, 'grantedUsd' | 'spentUsd' | 'expiresAt' | 'renewAt' | 'offline'> {
  return {
    grantedUsd: state.grantedUsd,
    spentUsd: state.spentUsd,
    expiresAt: state.expiresAt,
    renewAt: state.renewAt,
    offline: state.offline,
  };
}

function stateOf(lease: KeyLease): LeaseState {
  let reservedUsd = 0;
  for (const usd of lease.reserved.values()) reservedUsd += usd;
  return {
    grantedUsd: lease.grantedUsd,
    spentUsd: lease.spentUsd,
    reservedUsd,
    inFlight: lease.reserved.size,
    expiresAt: lease.expiresAt,
    renewAt: lease.renewAt,
    offline: lease.offline,
  };
}

function isIdle(lease: KeyLease): boolean {
  return (
    lease.admitting === 0 &&
    lease.reserved.size === 0 &&
    lease.unstored.size === 0 &&
    lease.asking === null &&
    lease.waiters.size === 0
  );
}

function usedUp(
  leftUsd: number,
  cost: RequestCost,
  cap: { maxTokens: number; costUsd: number } | null,
): GatewayError {
  creditRefusals.inc({ reason: 'exhausted' });
  return new GatewayError(402, usedUpMessage(leftUsd, cost, cap), { code: 'insufficient_quota' });
}

function budgetUsedUp(key: KeyRecord, resetsAt: string): GatewayError {
  creditRefusals.inc({ reason: 'budget' });
  return new GatewayError(402, budgetSpentMessage(key.budget_period, key.budget_usd, resetsAt), {
    code: 'insufficient_quota',
  });
}

function heldInFlight(): GatewayError {
  creditRefusals.inc({ reason: 'in_flight' });
  return new GatewayError(
    429,
    'The rest of the credit of this API key is held by requests in flight. Retry when they have finished.',
    { code: 'credit_in_flight', retryAfter: 1 },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
