// Pure mapping of a stored channel to what the admin API reads back and what the snapshot carries: the
// operator's configuration only. Health is the health-prober's: ingress applies it on top of both (the routing
// table, and the admin API's channel reads), so `status` here is the operator's switch and `health` unknown.
import {
  ChannelStatus,
  ChannelView,
  ModelVariantSuffix,
  SnapshotChannel,
  UNKNOWN_HEALTH,
  isSensitiveHeaderName,
} from '@relaymesh/contracts';
import { Channel } from './channel.entity';

export function channelStatus(channel: Pick<Channel, 'enabled'>): ChannelStatus {
  return channel.enabled ? 'enabled' : 'manually_disabled';
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
    variant_suffixes: channel.variantSuffixes,
    body_override: channel.bodyOverride,
    groups: channel.groups,
    priority: channel.priority,
    weight: channel.weight,
    enabled: channel.enabled,
    timeout_ms: channel.timeoutMs,
    headers: Object.fromEntries(
      Object.entries(channel.headers).map(([name, value]) => [
        name,
        // Plain headers named like credentials (from before secret_headers) are read back redacted too.
        isSensitiveHeaderName(name) ? '****' : value,
      ]),
    ),
    secret_headers: Object.fromEntries(
      Object.entries(channel.secretHeaders).map(([name, { hint }]) => [name, hint]),
    ),
    responses_api: channel.responsesApi,
    hosted_tools: channel.hostedTools,
    status: channelStatus(channel),
    health: UNKNOWN_HEALTH,
    created_at: channel.createdAt.toISOString(),
    updated_at: channel.updatedAt.toISOString(),
  };
}

/**
 * The channel as the snapshot carries it; `globalSuffixes` (RELAYMESH_VARIANT_SUFFIXES) are switched on for
 * every channel, after its own, so ingress needs no setting of its own and every replica agrees.
 */
export function toSnapshotChannel(
  channel: Channel,
  globalSuffixes: readonly ModelVariantSuffix[] = [],
): SnapshotChannel {
  return {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    base_url: channel.baseUrl,
    keys_encrypted: channel.keysEncrypted,
    models: channel.models,
    model_mapping: channel.modelMapping,
    variant_suffixes: [...new Set([...channel.variantSuffixes, ...globalSuffixes])],
    body_override: channel.bodyOverride,
    groups: channel.groups,
    priority: channel.priority,
    weight: channel.weight,
    status: channelStatus(channel),
    timeout_ms: channel.timeoutMs,
    headers: channel.headers,
    secret_headers_encrypted: Object.fromEntries(
      Object.entries(channel.secretHeaders).map(([name, { sealed }]) => [name, sealed]),
    ),
    responses_api: channel.responsesApi,
    hosted_tools: channel.hostedTools,
  };
}
