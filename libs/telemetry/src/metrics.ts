// Every Prometheus metric of relaymesh, declared once (STYLE: telemetry never inside business code). Names follow
// relaymesh_<component>_<what>_<unit>; labels come from bounded sets only (never a key, request id or IP).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const buildInfo = new Gauge({
  name: 'relaymesh_build_info',
  help: 'Always 1; labels carry the version and the app(s) in this process.',
  labelNames: ['version', 'app'] as const,
  registers: [registry],
});

export const ingressRequests = new Counter({
  name: 'relaymesh_ingress_requests_total',
  help: 'Data-plane requests answered by ingress, by route, wire format and HTTP status code.',
  labelNames: ['route', 'format', 'code'] as const,
  registers: [registry],
});

export const ingressRequestDuration = new Histogram({
  name: 'relaymesh_ingress_request_duration_seconds',
  help: 'Time from request received to response end, by route and format.',
  labelNames: ['route', 'format'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [registry],
});

export const upstreamAttempts = new Counter({
  name: 'relaymesh_upstream_attempts_total',
  help: 'Calls to upstream channels, by channel, provider type and outcome error class (none = success).',
  labelNames: ['channel', 'provider', 'error_class'] as const,
  registers: [registry],
});

export const noAvailableChannel = new Counter({
  name: 'relaymesh_ingress_no_available_channel_total',
  help: 'Requests refused because no channel of the group could serve the model.',
  registers: [registry],
});

export const keyCacheLookups = new Counter({
  name: 'relaymesh_ingress_key_cache_lookups_total',
  help: 'Key look-ups by result: hit (in memory), miss (asked the ledger).',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const routingSnapshotVersion = new Gauge({
  name: 'relaymesh_routing_snapshot_version',
  help: 'Version of the routing snapshot this process routes with.',
  registers: [registry],
});

export const routingSnapshotPublished = new Gauge({
  name: 'relaymesh_routing_snapshot_published_timestamp_seconds',
  help: 'When the router published the snapshot in use (age = time() - this).',
  registers: [registry],
});

export const ingressFailovers = new Counter({
  name: 'relaymesh_ingress_failovers_total',
  help: 'Upstream attempts retried on another channel before anything reached the client, by the error class that caused it.',
  labelNames: ['error_class'] as const,
  registers: [registry],
});

export const ingressModelFallbacks = new Counter({
  name: 'relaymesh_ingress_model_fallbacks_total',
  help: 'Requests that moved on to the next model of their `models`/`fallbacks` chain.',
  registers: [registry],
});

export const routingPanics = new Counter({
  name: 'relaymesh_routing_panic_total',
  help: 'Channel picks made in panic mode: too few channels in rotation, so ejected ones were used too.',
  registers: [registry],
});

export const channelCooldowns = new Counter({
  name: 'relaymesh_ingress_channel_cooldowns_total',
  help: 'Times a channel was cooled down after the upstream answered 429, by channel.',
  labelNames: ['channel'] as const,
  registers: [registry],
});

export const authRefusals = new Counter({
  name: 'relaymesh_ingress_auth_refusals_total',
  help: 'Data-plane requests refused by key checks, by reason (missing_key, invalid_key, disabled, expired, model_not_allowed, ip_not_allowed).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const rateLimitRefusals = new Counter({
  name: 'relaymesh_ingress_rate_limit_refusals_total',
  help: "Requests refused with 429 by a key's own limit (rpm or tpm), by limit and wire format.",
  labelNames: ['limit', 'format'] as const,
  registers: [registry],
});

export const rateLimitBroadcasts = new Counter({
  name: 'relaymesh_ingress_rate_limit_broadcasts_total',
  help: 'Per-key usage windows exchanged between ingress replicas, by direction (sent, received).',
  labelNames: ['direction'] as const,
  registers: [registry],
});

// Usage metering (usage-ledger) and credit (ingress).
export const ledgerRecords = new Counter({
  name: 'relaymesh_ledger_records_total',
  help: 'Usage records consumed by the ledger, by result: committed (new), duplicate (already stored), poison (dropped: broke the contract).',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const ledgerBatchFailures = new Counter({
  name: 'relaymesh_ledger_batch_failures_total',
  help: 'Batches whose transaction failed and were left for redelivery.',
  registers: [registry],
});

export const ledgerTokens = new Counter({
  name: 'relaymesh_ledger_tokens_total',
  help: 'Tokens metered, by model and kind (input, output, cache_read, cache_write).',
  labelNames: ['model', 'kind'] as const,
  registers: [registry],
});

export const ledgerCost = new Counter({
  name: 'relaymesh_ledger_cost_usd_total',
  help: 'USD debited, by model.',
  labelNames: ['model'] as const,
  registers: [registry],
});

export const ledgerUnpriced = new Counter({
  name: 'relaymesh_ledger_unpriced_records_total',
  help: 'Records of a model without a price (metered at zero cost).',
  registers: [registry],
});

export const ledgerConsumerPending = new Gauge({
  name: 'relaymesh_ledger_consumer_pending_messages',
  help: 'usage.recorded messages stored but not yet delivered to the ledger (consumer lag).',
  registers: [registry],
});

export const ledgerConsumerUnacknowledged = new Gauge({
  name: 'relaymesh_ledger_consumer_unacknowledged_messages',
  help: 'usage.recorded messages delivered to the ledger and not yet acknowledged.',
  registers: [registry],
});

export const usageOutboxDepth = new Gauge({
  name: 'relaymesh_ingress_usage_outbox_records',
  help: 'Usage records held by ingress until JetStream acknowledges them.',
  registers: [registry],
});

export const usageOutboxDropped = new Counter({
  name: 'relaymesh_ingress_usage_outbox_dropped_total',
  help: 'Usage records dropped because the outbox was full (NATS unreachable for too long): lost revenue.',
  registers: [registry],
});

export const usagePublishes = new Counter({
  name: 'relaymesh_ingress_usage_publishes_total',
  help: 'Attempts to publish a usage record to JetStream, by result (stored, failed).',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const creditRefusals = new Counter({
  name: 'relaymesh_ingress_credit_refusals_total',
  help: 'Requests refused for credit, by reason (exhausted: 402; unpriced: a finite-credit key asked for a model without a price).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const ingressInFlight = new Gauge({
  name: 'relaymesh_ingress_in_flight_requests',
  help: 'Data-plane requests being served by this ingress replica now.',
  registers: [registry],
});

export const ingressInFlightStreams = new Gauge({
  name: 'relaymesh_ingress_in_flight_streams',
  help: 'Streams being relayed to clients by this ingress replica now.',
  registers: [registry],
});

export const ingressOverloadRefusals = new Counter({
  name: 'relaymesh_ingress_overload_refusals_total',
  help: 'Requests refused with 503 at once because the replica was at RELAYMESH_MAX_IN_FLIGHT, by route.',
  labelNames: ['route'] as const,
  registers: [registry],
});

// The health-prober (self-healing channels). Counted by the leader, which makes the decisions.
export const healthChannelState = new Gauge({
  name: 'relaymesh_health_channel_state',
  help: 'One-hot: 1 for the health state each channel is in (unknown, healthy, degraded, ejected, disabled, recovering).',
  labelNames: ['channel', 'state'] as const,
  registers: [registry],
});

export const healthEjections = new Counter({
  name: 'relaymesh_health_ejections_total',
  help: 'Channels taken out of rotation, by cause (consecutive, failure_ratio, relapse, auth, quota).',
  labelNames: ['channel', 'reason'] as const,
  registers: [registry],
});

export const healthProbes = new Counter({
  name: 'relaymesh_health_probes_total',
  help: 'Probes sent to channels, by result error class (none = success).',
  labelNames: ['channel', 'result'] as const,
  registers: [registry],
});

export const healthTransitions = new Counter({
  name: 'relaymesh_health_transitions_total',
  help: 'Health state transitions, by from and to state.',
  labelNames: ['from', 'to'] as const,
  registers: [registry],
});

export const healthLeader = new Gauge({
  name: 'relaymesh_health_leader',
  help: '1 when this health-prober replica is the leader (persists, publishes, probes).',
  registers: [registry],
});
