// Whether a known key may make this request: pure, so the rules are table-tested without I/O.
// (Client-IP allow-lists, rate limits and credit come with the keys-and-limits and ledger issues.)
import { KeyRecord } from '@relaymesh/contracts';

export type AccessRefusal = 'disabled' | 'expired' | 'model_not_allowed';

export type AccessDecision =
  { ok: true } | { ok: false; status: 403; reason: AccessRefusal; message: string };

/** Reads only the key's state and allow-list, so a record read by id (the console's key session) is checked too. */
export function checkKeyAccess(
  key: Pick<KeyRecord, 'enabled' | 'expires_at' | 'models'>,
  model: string | null,
  now: number,
): AccessDecision {
  if (!key.enabled) {
    return { ok: false, status: 403, reason: 'disabled', message: 'This API key is disabled.' };
  }
  if (key.expires_at !== null && Date.parse(key.expires_at) <= now) {
    return { ok: false, status: 403, reason: 'expired', message: 'This API key has expired.' };
  }
  if (model !== null && key.models.length > 0 && !key.models.includes(model)) {
    return {
      ok: false,
      status: 403,
      reason: 'model_not_allowed',
      message: `This API key is not allowed to use model '${model}'.`,
    };
  }
  return { ok: true };
}

/** The client key from whichever header the caller's SDK uses (CONTRACT §1), or null. */
export function presentedKey(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: Readonly<Record<string, unknown>>,
): string | null {
  const authorization = headers['authorization'];
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  for (const name of ['x-api-key', 'x-goog-api-key']) {
    const value = headers[name];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return typeof query['key'] === 'string' && query['key'] ? query['key'] : null;
}
