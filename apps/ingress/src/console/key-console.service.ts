// The key holder's side of the console: signing in with a client key (checked by the data plane's own
// Authenticator, the one way a key is admitted) and reading that key's own record, models and usage from their
// owners, the ledger and the routing snapshot. Every read checks the key again (key-console.ts: keyRefusal),
// and every usage query is pinned to the session's key before it leaves this process.
import { Injectable } from '@nestjs/common';
import {
  AdminKeyGet,
  AdminReply,
  AdminUsageList,
  AdminUsageSummary,
  KeyView,
  ModelPrice,
  ModelPricesGet,
  RequestContract,
  RequestPayload,
  UsageView,
} from '@relaymesh/contracts';
import { BusRequestError, MessageBus } from '@relaymesh/messaging';
import { z } from 'zod';
import { cookieValue } from '../admin/admin-session';
import { IngressEnv } from '../config/ingress.env';
import { GatewayError } from '../http/gateway-error';
import { Authenticator } from '../admission/authenticator.service';
import { modelsOfKey } from '../models/model-list';
import { SnapshotStore } from '../routing-snapshot/snapshot-store.service';
import {
  Pinned,
  keyHolderView,
  keyModels,
  keyRefusal,
  keyUsageRow,
  pinSummaryQuery,
  pinUsageQuery,
} from './key-console';
import {
  KEY_SESSION_COOKIE,
  KeySession,
  keySessionKey,
  signKeySession,
  verifyKeySession,
} from './key-session';

/** What a key-session request carries: the cookie header and the caller's address (as the data plane sees it). */
export interface KeyCaller {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly ip: string;
}

/** An answer's status and body (a ledger's, or this module's 400 with the details the page shows). */
export type Answer = AdminReply;

@Injectable()
export class KeyConsole {
  private readonly signingKey: Buffer;
  readonly ttlMs: number;

  constructor(
    env: IngressEnv,
    private readonly auth: Authenticator,
    private readonly bus: MessageBus,
    private readonly routing: SnapshotStore,
  ) {
    this.signingKey = keySessionKey(env.secretKey);
    this.ttlMs = env.consoleSessionTtlMs;
  }

  /** A session cookie value for a client key the data plane admits (else its own 401/403/503). */
  async signIn(
    presented: string,
    ip: string,
    now: Date,
  ): Promise<{ value: string; session: KeySession }> {
    const caller = { headers: { authorization: `Bearer ${presented}` }, query: {}, ip };
    const key = this.auth.authorize(await this.auth.authenticate(caller), null);
    const value = signKeySession(this.signingKey, key.id, now, this.ttlMs);
    return { value, session: verifyKeySession(this.signingKey, value, now)! };
  }

  /** The session of the request's key cookie, if it holds a valid one (the key itself is not checked). */
  sessionOf(caller: KeyCaller, now: Date): KeySession | null {
    const header = caller.headers['cookie'];
    const value = cookieValue(typeof header === 'string' ? header : undefined, KEY_SESSION_COOKIE);
    return value ? verifyKeySession(this.signingKey, value, now) : null;
  }

  /** The session's key, read from the ledger and admitted now, or the 401/403/503 that says why not. */
  async admitted(caller: KeyCaller, now: Date): Promise<KeyView> {
    const session = this.sessionOf(caller, now);
    if (!session) throw new GatewayError(401, 'Not signed in with a key.');
    const answer = await this.ask(AdminKeyGet, { id: session.keyId });
    if (answer.status === 404) {
      throw new GatewayError(401, 'The key of this session no longer exists.');
    }
    if (answer.status !== 200) throw new GatewayError(503, 'The key service did not answer.');
    const key = answer.body as KeyView;
    const refusal = keyRefusal(key, caller.ip, now.getTime());
    if (refusal) throw new GatewayError(403, refusal);
    return key;
  }

  async key(caller: KeyCaller, now: Date) {
    return keyHolderView(await this.admitted(caller, now));
  }

  /** The models the key may call, as GET /v1/models lists them for it, with their prices. */
  async models(caller: KeyCaller, now: Date) {
    const key = await this.admitted(caller, now);
    const table = this.routing.table;
    if (!table) throw new GatewayError(503, 'The gateway has no routing table yet; retry shortly.');
    let prices: ModelPrice[];
    try {
      ({ data: prices } = await this.bus.request(ModelPricesGet, {}));
    } catch (err) {
      throw unavailable(err);
    }
    return { data: keyModels(modelsOfKey(table.models(key.group), key.models), prices) };
  }

  /** The key's own usage records, newest first (GET /admin/usage's query, pinned to the key). */
  async usage(caller: KeyCaller, query: unknown, now: Date): Promise<Answer> {
    const key = await this.admitted(caller, now);
    const answer = await this.pinned(AdminUsageList, pinUsageQuery(query, key.id));
    if (answer.status !== 200) return answer;
    const { data } = answer.body as { data: UsageView[] };
    return { status: 200, body: { data: data.map(keyUsageRow) } };
  }

  /** The key's own usage summary (GET /admin/usage/summary's query, pinned to the key, by model at most). */
  async summary(caller: KeyCaller, query: unknown, now: Date): Promise<Answer> {
    const key = await this.admitted(caller, now);
    return this.pinned(AdminUsageSummary, pinSummaryQuery(query, key.id));
  }

  private async pinned<R extends RequestContract<z.ZodType, z.ZodType<AdminReply>>>(
    contract: R,
    pinned: Pinned,
  ): Promise<Answer> {
    if (!pinned.ok) return { status: 400, body: { error: { message: pinned.message } } };
    const parsed = contract.request.safeParse(pinned.query);
    if (!parsed.success) {
      return {
        status: 400,
        body: {
          error: {
            message: `Invalid request: ${z.prettifyError(parsed.error)}`,
            details: parsed.error.issues,
          },
        },
      };
    }
    return this.ask(contract, parsed.data as RequestPayload<R>);
  }

  private async ask<R extends RequestContract<z.ZodType, z.ZodType<AdminReply>>>(
    contract: R,
    payload: RequestPayload<R>,
  ): Promise<Answer> {
    try {
      return await this.bus.request(contract, payload);
    } catch (err) {
      throw unavailable(err);
    }
  }
}

function unavailable(err: unknown): unknown {
  return err instanceof BusRequestError
    ? new GatewayError(503, 'The control plane did not answer; retry shortly.', { retryAfter: 1 })
    : err;
}
