// Turns the request's credentials into a key record, or the 401/403/503 that explains why not. Authentication
// takes the whole caller (credentials and address), so no route can forget the address. The key's state
// (disabled, expired) and the model are authorize()'s: a route checks them once the request's model is known,
// so the refusal is metered with it (usage records keep a disabled key's attempts), and what a key may see of
// itself or of the catalogue takes an AdmittedKey, which only authorize() gives.
import { Injectable } from '@nestjs/common';
import { KeyRecord } from '@relaymesh/contracts';
import { BusRequestError } from '@relaymesh/messaging';
import { authRefusals } from '@relaymesh/telemetry';
import { GatewayError } from '../http/gateway-error';
import { IpAllowList, compileIpAllowList } from './ip-allow-list';
import { checkKeyAccess, presentedKey } from './key-access';
import { KeyCache } from '../keys/key-cache.service';

/** What authentication reads of a request: its credentials and the address it came from. */
export interface Caller {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed query string (`?key=`). */
  readonly query: unknown;
  /**
   * The caller's address (the socket's peer, or the `X-Forwarded-For` hop a trusted proxy vouches for; see
   * RELAYMESH_TRUSTED_PROXIES), checked against the key's `allow_ips`. Required: a key with an allow-list is
   * refused when the address is unknown.
   */
  readonly ip: string;
}

declare const admitted: unique symbol;
/** A key authorize() let through: enabled, not expired (and allowed the model asked for, if any). */
export type AdmittedKey = KeyRecord & { readonly [admitted]: true };

@Injectable()
export class Authenticator {
  /** Compiled `allow_ips` per record: a key change brings a new record object, so entries never go stale. */
  private readonly allowLists = new WeakMap<KeyRecord, IpAllowList>();

  constructor(private readonly cache: KeyCache) {}

  /** The caller's key: known, and used from an address its allow_ips admits. */
  async authenticate(caller: Caller): Promise<KeyRecord> {
    const presented = presentedKey(
      caller.headers,
      (caller.query ?? {}) as Readonly<Record<string, unknown>>,
    );
    if (!presented) {
      authRefusals.inc({ reason: 'missing_key' });
      throw new GatewayError(
        401,
        'Missing API key: send it as "Authorization: Bearer <key>" (or x-api-key, x-goog-api-key, ?key=).',
        { code: 'missing_api_key' },
      );
    }
    let key: KeyRecord | null;
    try {
      key = await this.cache.resolve(presented);
    } catch (err) {
      if (err instanceof BusRequestError) {
        throw new GatewayError(503, 'The key service is unavailable right now; retry shortly.', {
          retryAfter: 1,
        });
      }
      throw err;
    }
    if (!key) {
      authRefusals.inc({ reason: 'invalid_key' });
      throw new GatewayError(401, 'Invalid API key.', { code: 'invalid_api_key' });
    }
    if (!this.allowListOf(key).allows(caller.ip || null)) {
      authRefusals.inc({ reason: 'ip_not_allowed' });
      throw new GatewayError(
        403,
        `This API key may not be used from your address (${caller.ip || 'unknown'}): it is outside the key's allow_ips.`,
        { code: 'ip_not_allowed' },
      );
    }
    return key;
  }

  /** Whether the key may use `model` at all (for fallback models, which are skipped rather than refused). */
  allows(key: KeyRecord, model: string): boolean {
    return checkKeyAccess(key, model, Date.now()).ok;
  }

  /**
   * Refuses a disabled or expired key, or a model outside the key's allow-list (`null`: no model asked for),
   * with 403; returns the key as admitted.
   */
  authorize(key: KeyRecord, model: string | null): AdmittedKey {
    const decision = checkKeyAccess(key, model, Date.now());
    if (!decision.ok) {
      authRefusals.inc({ reason: decision.reason });
      throw new GatewayError(decision.status, decision.message, { code: 'forbidden' });
    }
    return key as AdmittedKey;
  }

  private allowListOf(key: KeyRecord): IpAllowList {
    let list = this.allowLists.get(key);
    if (!list) {
      list = compileIpAllowList(key.allow_ips);
      this.allowLists.set(key, list);
    }
    return list;
  }
}
