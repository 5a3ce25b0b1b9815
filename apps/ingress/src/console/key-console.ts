// What the key holder's page (/console/key) may ask and see, as pure functions: every usage query is pinned to
// the session's key (whatever key_id the page sends), channels are the operator's business (no channel filter
// or grouping, no channel id in a record), and a key is checked with the data plane's own rules on every read.
import { KeyView, ModelPrice, UsageView } from '@relaymesh/contracts';
import { compileIpAllowList } from '../admission/ip-allow-list';
import { checkKeyAccess } from '../admission/key-access';

export type Pinned = { ok: true; query: Record<string, unknown> } | { ok: false; message: string };

function queryObject(query: unknown): Record<string, unknown> {
  return query && typeof query === 'object' ? { ...(query as Record<string, unknown>) } : {};
}

/** GET /admin/usage's query for this key only: its `key_id` replaces any the page sent. */
export function pinUsageQuery(query: unknown, keyId: string): Pinned {
  return { ok: true, query: { ...queryObject(query), key_id: keyId } };
}

/** GET /admin/usage/summary's query for this key only, per model or not grouped. */
export function pinSummaryQuery(query: unknown, keyId: string): Pinned {
  const own = queryObject(query);
  if (own['group_by'] !== undefined && own['group_by'] !== 'model') {
    return { ok: false, message: 'A key holder may group its usage by model only.' };
  }
  if (own['channel_id'] !== undefined) {
    return { ok: false, message: 'A key holder may not filter its usage by channel.' };
  }
  return { ok: true, query: { ...own, key_id: keyId } };
}

/** Why a key read back by id may no longer open its page (the data plane's checks), or null when it may. */
export function keyRefusal(
  key: Pick<KeyView, 'enabled' | 'expires_at' | 'models' | 'allow_ips'>,
  ip: string,
  now: number,
): string | null {
  const access = checkKeyAccess(key, null, now);
  if (!access.ok) return access.message;
  if (!compileIpAllowList(key.allow_ips).allows(ip || null)) {
    return `This API key may not be used from your address (${ip || 'unknown'}): it is outside the key's allow_ips.`;
  }
  return null;
}

/** The key as its holder sees it (what GET /v1/key shows, and its hint and dates): never its allow-list. */
export function keyHolderView(key: KeyView) {
  return {
    id: key.id,
    name: key.name,
    key_hint: key.key_hint,
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
    created_at: key.created_at,
  };
}

/** A usage record as its key's holder sees it: no channel, no upstream model name. */
export function keyUsageRow(record: UsageView) {
  return {
    request_id: record.request_id,
    created_at: record.created_at,
    model: record.model,
    format: record.format,
    route: record.route,
    stream: record.stream,
    status: record.status,
    late_error: record.late_error,
    input_tokens: record.input_tokens,
    output_tokens: record.output_tokens,
    cache_read_tokens: record.cache_read_tokens,
    cache_write_tokens: record.cache_write_tokens,
    cost_usd: record.cost_usd,
    latency_ms: record.latency_ms,
    ttft_ms: record.ttft_ms,
  };
}

/** The models the key may call (GET /v1/models' list) with their prices (null: not priced, so not charged). */
export function keyModels(models: readonly string[], prices: readonly ModelPrice[]) {
  const byModel = new Map(prices.map((price) => [price.model, price]));
  return models.map((model) => {
    const price = byModel.get(model);
    return {
      model,
      input_usd_per_mtok: price?.input_usd_per_mtok ?? null,
      output_usd_per_mtok: price?.output_usd_per_mtok ?? null,
      cache_read_multiplier: price?.cache_read_multiplier ?? null,
      cache_write_multiplier: price?.cache_write_multiplier ?? null,
    };
  });
}
