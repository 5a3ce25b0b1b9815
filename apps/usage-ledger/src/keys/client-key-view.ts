// Pure mapping of a stored key to what the admin API reads back and what ingress caches.
import { KeyRecord, KeyView } from '@relaymesh/contracts';
import { budgetAt } from './budget-period';
import { ClientKey } from './client-key.entity';

export function toKeyView(key: ClientKey, nowMs = Date.now()): KeyView {
  const budget = budgetAt(
    {
      budgetUsd: key.budgetUsd,
      period: key.budgetPeriod,
      spentUsd: key.budgetSpentUsd,
      periodStartMs: key.budgetPeriodStart?.getTime() ?? null,
    },
    nowMs,
  );
  return {
    id: key.id,
    name: key.name,
    key_hint: key.keyHint,
    group: key.group,
    unlimited: key.unlimited,
    credit_usd: key.creditUsd,
    used_usd: key.usedUsd,
    remaining_usd: key.unlimited ? null : key.creditUsd - key.usedUsd,
    models: key.models,
    allow_ips: key.allowIps,
    rpm: key.rpm,
    tpm: key.tpm,
    expires_at: key.expiresAt ? key.expiresAt.toISOString() : null,
    enabled: key.enabled,
    budget_usd: key.budgetUsd,
    budget_period: key.budgetPeriod,
    budget_spent_usd: budget?.spentUsd ?? null,
    budget_resets_at: budget ? new Date(budget.resetsAt).toISOString() : null,
    created_at: key.createdAt.toISOString(),
    updated_at: key.updatedAt.toISOString(),
  };
}

export function toKeyRecord(key: ClientKey, nowMs = Date.now()): KeyRecord {
  return { ...toKeyView(key, nowMs), key_hash: key.keyHash };
}
