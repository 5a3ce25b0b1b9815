// What GET /v1/key shows a key about itself (CONTRACT §1): limits and balance, never its hash or allow-list.
import type { WireFormat } from '../http/error-envelope';
import type { AdmittedKey } from '../keys/authenticator.service';

/** Only for an admitted key: a disabled or expired key is refused here as on every other route. */
export function keyInfo(key: AdmittedKey) {
  return {
    id: key.id,
    name: key.name,
    group: key.group,
    unlimited: key.unlimited,
    credit_usd: key.credit_usd,
    used_usd: key.used_usd,
    remaining_usd: key.remaining_usd,
    rpm: key.rpm,
    tpm: key.tpm,
    models: key.models,
    expires_at: key.expires_at,
    budget_usd: key.budget_usd,
    budget_period: key.budget_period,
    budget_spent_usd: key.budget_spent_usd,
    budget_resets_at: key.budget_resets_at,
  };
}

/** The envelope for errors of an endpoint every SDK may call: the format whose way of sending the key was used. */
export function formatOfCaller(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: Readonly<Record<string, unknown>>,
): WireFormat {
  if (headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined) {
    return 'anthropic';
  }
  if (headers['x-goog-api-key'] !== undefined || query['key'] !== undefined) return 'gemini';
  return 'openai';
}
