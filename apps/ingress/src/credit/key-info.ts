// What GET /v1/key shows a key about itself (CONTRACT §1): limits and balance, never its hash or allow-list.
import type { AdmittedKey } from '../admission/authenticator.service';

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
