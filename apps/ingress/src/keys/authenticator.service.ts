// Turns the request's credentials into a key record, or the 401/403/503 that explains why not.
import { Injectable } from '@nestjs/common';
import { KeyRecord } from '@relaymesh/contracts';
import { BusRequestError } from '@relaymesh/messaging';
import { GatewayError } from '../http/gateway-error';
import { checkKeyAccess, presentedKey } from './key-access';
import { KeyCache } from './key-cache.service';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

@Injectable()
export class Authenticator {
  constructor(private readonly cache: KeyCache) {}

  async authenticate(
    headers: Headers,
    query: Readonly<Record<string, unknown>>,
  ): Promise<KeyRecord> {
    const presented = presentedKey(headers, query);
    if (!presented) {
      throw new GatewayError(401, 'Missing API key: send it as "Authorization: Bearer <key>".', {
        code: 'missing_api_key',
      });
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
    if (!key) throw new GatewayError(401, 'Invalid API key.', { code: 'invalid_api_key' });
    return key;
  }

  /** Whether the key may use `model` at all (for fallback models, which are skipped rather than refused). */
  allows(key: KeyRecord, model: string): boolean {
    return checkKeyAccess(key, model, Date.now()).ok;
  }

  /** Refuses a disabled or expired key, or a model outside the key's allow-list, with 403. */
  authorize(key: KeyRecord, model: string | null): void {
    const decision = checkKeyAccess(key, model, Date.now());
    if (!decision.ok) {
      throw new GatewayError(decision.status, decision.message, { code: 'forbidden' });
    }
  }
}
