// Pure mapping of a stored key to what the admin API reads back and what ingress caches.
import { KeyRecord, KeyView } from '@relaymesh/contracts';
import { ClientKey } from './client-key.entity';

export function toKeyView(key: ClientKey): KeyView {
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
    created_at: key.createdAt.toISOString(),
    updated_at: key.updatedAt.toISOString(),
  };
}

export function toKeyRecord(key: ClientKey): KeyRecord {
  return { ...toKeyView(key), key_hash: key.keyHash };
}
