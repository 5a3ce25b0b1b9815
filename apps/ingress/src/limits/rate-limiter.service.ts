// Per-key rpm and tpm limits that hold across ingress replicas without a network round trip on the request
// path. Each replica counts what it admits (requests at admission, tokens when the request ends, from the
// usage the upstream reported) in per-second buckets, broadcasts the windows of the keys that changed every
// RELAYMESH_LIMITS_BROADCAST_MS (limits.usage.v1, core NATS, every replica hears it), and decides on its own
// counts plus the latest counts heard from the others. The cost is a bounded overshoot: what other replicas
// admit within one broadcast interval plus NATS propagation (measured in test/e2e/limits.e2e-spec.ts). Why not
// JetStream KV counters: a KV round trip on every request, and a KV outage would stop or unlimit every key.
//
// Small limits cannot take that overshoot (rpm 5 over 2 replicas let a 6th request through, issue 18): a key at
// or below RELAYMESH_LIMITS_SHARED_RPM_MAX / _TPM_MAX is decided by the ledger's shared counter instead
// (key.limits.admit.v1, see shared-window.ts for why not leased slices). Its requests are still counted here
// and broadcast, so that if the ledger cannot be reached the replica falls back to deciding them locally.
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EventPayload, LimitsAdmit, LimitsCharge, LimitsUsage } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { rateLimitBroadcasts, rateLimitRefusals } from '@relaymesh/telemetry';
import { randomUUID } from 'node:crypto';
import { IngressEnv } from '../config/ingress.env';
import { GatewayError } from '../http/gateway-error';
import { RequestObservers, RequestTrace } from '../http/request-trace';
import { RememberedRefusal, sharesWindow, standingRefusal } from './shared-window';
import { LimitDecision, UsageWindow, decideLimits } from '@relaymesh/limits';

/** Every this many broadcasts, all live windows are sent, not only the changed ones (heals a lost message). */
const FULL_EVERY = 10;
/** Keys per message, so one message stays small whatever the number of busy keys. */
const KEYS_PER_MESSAGE = 500;
/** After the ledger failed to answer an admission: how long small limits are decided locally. */
const LEDGER_AWAY_MS = 5_000;

@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  /** This replica, in its broadcasts; its own messages come back to it and are ignored. */
  readonly replica = randomUUID();
  private readonly local = new Map<string, UsageWindow>();
  /** key id → replica → that replica's latest window for the key. */
  private readonly remote = new Map<string, Map<string, UsageWindow>>();
  private readonly changed = new Set<string>();
  /** Refusals of the shared counter, until their window frees (no round trip for a refused key). */
  private readonly refused = new Map<string, RememberedRefusal>();
  private ledgerAwayUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private broadcasts = 0;

  constructor(
    private readonly bus: MessageBus,
    private readonly env: IngressEnv,
    private readonly observers: RequestObservers,
  ) {}

  onModuleInit(): void {
    this.observers.add((trace) => this.charge(trace));
    this.timer = setInterval(() => this.broadcast(), this.env.limitsBroadcastMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Admits the request (counting it) or throws the 429 of the limit it would break: in memory for large limits,
   * on the ledger's shared counter for small ones (a promise then).
   */
  admit(trace: RequestTrace, now = Date.now()): void | Promise<void> {
    const key = trace.key;
    if (!key || (key.rpm === null && key.tpm === null)) return;
    if (sharesWindow(key, this.env.sharedLimits)) return this.admitShared(trace, now);
    this.admitLocally(trace, now);
  }

  private admitLocally(trace: RequestTrace, now: number): void {
    const key = trace.key!;
    const decision = decideLimits(key, this.windowsOf(key.id), now);
    if (!decision.ok) {
      rateLimitRefusals.inc({ limit: decision.limit, format: trace.format });
      throw rateLimited(decision);
    }
    this.count(key.id, now);
  }

  private async admitShared(trace: RequestTrace, now: number): Promise<void> {
    const key = trace.key!;
    const standing = standingRefusal(this.refused.get(key.id), key, now);
    if (standing) {
      rateLimitRefusals.inc({ limit: standing.limit, format: trace.format });
      throw rateLimited(standing);
    }
    let reply;
    try {
      // A ledger that just failed to answer is not asked again at once: each request would wait its timeout.
      if (Date.now() < this.ledgerAwayUntil) throw new Error('the ledger is away');
      reply = await this.bus.request(LimitsAdmit, { key_id: key.id });
    } catch {
      // The ledger is away: the broadcast counts still hold the limit, with their overshoot.
      this.ledgerAwayUntil = Math.max(this.ledgerAwayUntil, Date.now() + LEDGER_AWAY_MS);
      this.admitLocally(trace, now);
      return;
    }
    if (reply.refusal) {
      const refusal = {
        ok: false as const,
        limit: reply.refusal.limit,
        allowed: reply.refusal.allowed,
        used: reply.refusal.used,
        retryAfter: reply.refusal.retry_after,
      };
      this.refused.set(key.id, {
        limits: { rpm: key.rpm, tpm: key.tpm },
        refusal,
        untilMs: now + refusal.retryAfter * 1000,
      });
      rateLimitRefusals.inc({ limit: refusal.limit, format: trace.format });
      throw rateLimited(refusal);
    }
    this.count(key.id, now);
  }

  private count(keyId: string, now: number): void {
    this.windowOf(keyId).add(now, 1, 0);
    this.changed.add(keyId);
  }

  /** Charges the tokens a finished request used (input, cached included, and output) to its key's tpm. */
  charge(trace: Readonly<RequestTrace>, now = Date.now()): void {
    const key = trace.key;
    if (!key || key.tpm === null || !trace.usage) return;
    const tokens = trace.usage.inputTokens + trace.usage.outputTokens;
    if (tokens <= 0) return;
    if (sharesWindow(key, this.env.sharedLimits)) {
      this.bus.emit(LimitsCharge, { key_id: key.id, tokens, at: new Date(now).toISOString() });
    }
    this.windowOf(key.id).add(now, 0, tokens);
    this.changed.add(key.id);
  }

  /** Another replica's windows: each replaces what was heard from that replica for the key. */
  receive(message: EventPayload<typeof LimitsUsage>): void {
    if (message.replica === this.replica) return;
    rateLimitBroadcasts.inc({ direction: 'received' });
    for (const { key_id, buckets } of message.keys) {
      let byReplica = this.remote.get(key_id);
      if (!byReplica) {
        byReplica = new Map();
        this.remote.set(key_id, byReplica);
      }
      if (buckets.length === 0) byReplica.delete(message.replica);
      else byReplica.set(message.replica, UsageWindow.fromBuckets(buckets));
    }
  }

  /** Sends the windows that changed since the last broadcast (all live ones every FULL_EVERY-th time). */
  broadcast(now = Date.now()): void {
    this.broadcasts += 1;
    const full = this.broadcasts % FULL_EVERY === 0;
    if (full) this.forgetExpired(now);
    const ids = full ? [...this.local.keys()] : [...this.changed];
    this.changed.clear();
    for (let i = 0; i < ids.length; i += KEYS_PER_MESSAGE) {
      const keys = ids.slice(i, i + KEYS_PER_MESSAGE).map((id) => ({
        key_id: id,
        buckets: this.local.get(id)?.buckets(now) ?? [],
      }));
      this.bus.emit(LimitsUsage, { replica: this.replica, keys });
      rateLimitBroadcasts.inc({ direction: 'sent' });
    }
  }

  private *windowsOf(keyId: string): Iterable<UsageWindow> {
    const own = this.local.get(keyId);
    if (own) yield own;
    const others = this.remote.get(keyId);
    if (others) yield* others.values();
  }

  private windowOf(keyId: string): UsageWindow {
    let window = this.local.get(keyId);
    if (!window) {
      window = new UsageWindow();
      this.local.set(keyId, window);
    }
    return window;
  }

  /** Memory stays proportional to the keys busy in the last minute. */
  private forgetExpired(now: number): void {
    for (const [id, remembered] of this.refused) {
      if (remembered.untilMs <= now) this.refused.delete(id);
    }
    for (const [id, window] of this.local) {
      if (window.isEmpty(now)) this.local.delete(id);
    }
    for (const [id, byReplica] of this.remote) {
      for (const [replica, window] of byReplica) {
        if (window.isEmpty(now)) byReplica.delete(replica);
      }
      if (byReplica.size === 0) this.remote.delete(id);
    }
  }
}

function rateLimited(decision: Extract<LimitDecision, { ok: false }>): GatewayError {
  const what = decision.limit === 'rpm' ? 'requests per minute (rpm)' : 'tokens per minute (tpm)';
  return new GatewayError(
    429,
    `Rate limit reached for this API key: ${decision.used} of ${decision.allowed} ${what} used in the last minute. Please try again in ${decision.retryAfter}s.`,
    {
      // OpenAI names the exhausted limit in `type` and sends code `rate_limit_exceeded`.
      type: decision.limit === 'rpm' ? 'requests' : 'tokens',
      code: 'rate_limit_exceeded',
      retryAfter: decision.retryAfter,
    },
  );
}
