// Pure mapping of a stored channel to what the admin API reads back and what the snapshot carries.
import { ChannelStatus, ChannelView, SnapshotChannel, UNKNOWN_HEALTH } from '@relaymesh/contracts';
import { Channel } from './channel.entity';

/** Header values that may carry credentials are read back redacted, like keys. */
const SENSITIVE_HEADER = /authorization|api[-_]?key|token|secret|cookie|password/i;

export function channelStatus(channel: Pick<Channel, 'enabled' | 'autoDisabled'>): ChannelStatus {
  if (!channel.enabled) return 'manually_disabled';
  return channel.autoDisabled ? 'auto_disabled' : 'enabled';
}

export function toChannelView(channel: Channel): ChannelView {
  return {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    base_url: channel.baseUrl,
    keys: channel.keyHints,
    models: channel.models,
    model_mapping: channel.modelMapping,
    groups: channel.groups,
    priority: channel.priority,
    weight: channel.weight,
    enabled: channel.enabled,
    timeout_ms: channel.timeoutMs,
    headers: Object.fromEntries(
      Object.entries(channel.headers).map(([name, value]) => [
        name,
        SENSITIVE_HEADER.test(name) ? '****' : value,
      ]),
    ),
    status: channelStatus(channel),
    health: channel.health ?? UNKNOWN_HEALTH,
    created_at: channel.createdAt.toISOString(),
    updated_at: channel.updatedAt.toISOString(),
  };
}

export function toSnapshotChannel(channel: Channel): SnapshotChannel {
  return {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    base_url: channel.baseUrl,
    keys_encrypted: channel.keysEncrypted,
    models: channel.models,
    model_mapping: channel.modelMapping,
    groups: channel.groups,
    priority: channel.priority,
    weight: channel.weight,
    status: channelStatus(channel),
    // Only an enabled channel out for transient faults may be panic-routed (never a bad key or an empty account).
    ejected: channel.enabled && channel.autoDisabled && channel.health?.state === 'ejected',
    weight_factor: channel.weightFactor,
    latency_ms: channel.health?.latency_ms ?? null,
    timeout_ms: channel.timeoutMs,
    headers: channel.headers,
  };
}
