// Every Prometheus metric of relaymesh, declared once (STYLE: telemetry never inside business code). Names follow
// relaymesh_<component>_<what>_<unit>; labels come from bounded sets only (never a key, request id or IP).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { readiness } from './readiness';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });
// prom-client also exports these three sums as gauges named `*_total`, which Prometheus's naming rules (and
// `promtool check metrics`) reserve for counters; the same numbers are `sum(nodejs_active_handles)` etc.
for (const name of [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]) {
  registry.removeSingleMetric(name);
}

export const buildInfo = new Gauge({
  name: 'relaymesh_build_info',
  // Across ingress workers (cluster-metrics.ts): each holds the same fact, so not their sum.
  aggregator: 'first',
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
  help: 'Calls to upstream channels, by channel, provider type, public model, outcome (success, error) and error class (none = success).',
  labelNames: ['channel', 'provider', 'model', 'outcome', 'error_class'] as const,
  registers: [registry],
});

export const upstreamAttemptDuration = new Histogram({
  name: 'relaymesh_upstream_attempt_duration_seconds',
  help: 'Time of one upstream attempt until its outcome was known (a stream: until it ended), by channel and outcome.',
  labelNames: ['channel', 'provider', 'outcome'] as const,
  buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
  registers: [registry],
});

export const noAvailableChannel = new Counter({
  name: 'relaymesh_ingress_no_available_channel_total',
  help: 'Requests refused because no channel of the group could serve the model (a catalogue model), by model and group.',
  labelNames: ['model', 'group'] as const,
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
  aggregator: 'min',
  help: 'Version of the routing snapshot this process routes with.',
  registers: [registry],
});

/** When the router last confirmed this replica's snapshot (ms since the epoch), for the age gauge below. */
let snapshotConfirmedAt: number | null = null;

/** The router sent the snapshot in use, or re-announced it: the age starts again from zero. */
export function markRoutingSnapshotConfirmed(at: number = Date.now()): void {
  snapshotConfirmedAt = at;
}

export const routingSnapshotAge = new Gauge({
  name: 'relaymesh_ingress_routing_snapshot_age_seconds',
  aggregator: 'max',
  help: 'Seconds since the router last sent or re-announced (every 15 s) the snapshot this replica routes with; grows while the router or NATS is away.',
  registers: [registry],
  collect() {
    if (snapshotConfirmedAt !== null) this.set((Date.now() - snapshotConfirmedAt) / 1000);
  },
});

export const healthModelChannels = new Gauge({
  name: 'relaymesh_health_model_channels',
  aggregator: 'min',
  help: 'Channels serving each model in each group, by rotation, as the leading health-prober sees them: in (routable), ejected (only in panic), out (disabled). A model with none in or ejected cannot be served.',
  labelNames: ['group', 'model', 'rotation'] as const,
  registers: [registry],
});

export const routingSnapshotPublished = new Gauge({
  name: 'relaymesh_routing_snapshot_published_timestamp_seconds',
  aggregator: 'max',
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
  help: 'Channel picks made in panic mode: too few channels in rotation, so ejected ones were used too; by model.',
  labelNames: ['model'] as const,
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
  help: 'Usage records consumed by the ledger, by result: committed (new), duplicate (already stored), poison (broke the contract: parked), refused (Postgres refused it: parked).',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const ledgerBatchFailures = new Counter({
  name: 'relaymesh_ledger_batch_failures_total',
  help: 'Batches left for redelivery because the database failed (not the data: records it refuses are parked).',
  registers: [registry],
});

export const ledgerDeadLetters = new Counter({
  name: 'relaymesh_ledger_dead_letters_total',
  help: 'Usage records parked in the dead-letter table instead of stored (unbilled until replayed), by reason: database_refused (Postgres refused the record after bounded retries), contract_violation (it broke the usage.recorded contract).',
  labelNames: ['reason'] as const,
  registers: [registry],
});
// Both reasons exported at 0 from the start: an alert on their increase sees the first parked record.
for (const reason of ['database_refused', 'contract_violation']) {
  ledgerDeadLetters.inc({ reason }, 0);
}

/** Since when the ledger has held a record it has not written (ms since the epoch), or null when none. */
let ledgerUnwrittenSince: number | null = null;

/** The ledger's writer: the oldest record in hand and not yet written was stored at `at` (null: none). */
export function markLedgerUnwrittenSince(at: number | null): void {
  ledgerUnwrittenSince = at;
}

/** Seconds the oldest record the ledger holds unwritten has waited since it was stored; 0 when none. */
export function ledgerUnwrittenAgeSeconds(now: number = Date.now()): number {
  return ledgerUnwrittenSince === null ? 0 : Math.max(0, now - ledgerUnwrittenSince) / 1000;
}

export const ledgerOldestUnwrittenAge = new Gauge({
  name: 'relaymesh_ledger_oldest_unwritten_record_age_seconds',
  help: 'Seconds since the oldest usage record this ledger replica holds unwritten was stored; 0 when it holds none. Grows while its batch keeps failing (metering stalled: balances are not debited).',
  registers: [registry],
  collect() {
    this.set(ledgerUnwrittenAgeSeconds());
  },
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
  aggregator: 'first',
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
  aggregator: 'max',
  help: '1 when this health-prober replica is the leader (persists, publishes, probes).',
  registers: [registry],
});

// Dependencies, per app in this process: the readiness checks that stand for NATS and Postgres, run at each
// scrape, so a graph of them matches what /readyz said at that moment.
export const dependencyUp = new Gauge({
  name: 'relaymesh_dependency_up',
  aggregator: 'min',
  help: '1 when the app can reach the dependency (nats, postgres) now, checked at each scrape.',
  labelNames: ['app', 'dependency'] as const,
  registers: [registry],
  async collect() {
    for (const { app, dependency, up } of await readiness.dependencies()) {
      this.set({ app, dependency }, up ? 1 : 0);
    }
  },
});

// OpenTelemetry GenAI metrics (semantic conventions gen-ai-metrics), in the names an OTel collector would give
// them in Prometheus: dots become underscores, `s` becomes `_seconds`, `{token}` is dropped. Attributes become
// labels with the same names. `gen_ai_server_*` is the request as the caller sees it (the SLO);
// `gen_ai_client_*` is ingress as the provider's client, per upstream attempt. Buckets are the conventions'.
const GEN_AI_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

export const genAiClientTokenUsage = new Histogram({
  name: 'gen_ai_client_token_usage',
  help: 'Tokens used per request, as the upstream reported them, by token type (input, output).',
  labelNames: [
    'gen_ai_operation_name',
    'gen_ai_provider_name',
    'gen_ai_request_model',
    'gen_ai_response_model',
    'gen_ai_token_type',
  ] as const,
  buckets: [
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
  ],
  registers: [registry],
});

export const genAiClientOperationDuration = new Histogram({
  name: 'gen_ai_client_operation_duration_seconds',
  help: 'Duration of each upstream call (one attempt), by operation, provider, model and error type (empty on success).',
  labelNames: [
    'gen_ai_operation_name',
    'gen_ai_provider_name',
    'gen_ai_request_model',
    'error_type',
  ] as const,
  buckets: GEN_AI_DURATION_BUCKETS,
  registers: [registry],
});

export const genAiServerRequestDuration = new Histogram({
  name: 'gen_ai_server_request_duration_seconds',
  help: 'Duration of each GenAI request as its caller saw it, failovers included, by operation, provider, model and error type (empty on success).',
  labelNames: [
    'gen_ai_operation_name',
    'gen_ai_provider_name',
    'gen_ai_request_model',
    'error_type',
  ] as const,
  buckets: GEN_AI_DURATION_BUCKETS,
  registers: [registry],
});

export const genAiServerTimeToFirstToken = new Histogram({
  name: 'gen_ai_server_time_to_first_token_seconds',
  help: 'Time from request received to the first byte of a successful stream sent to the caller.',
  labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'] as const,
  buckets: [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
  ],
  registers: [registry],
});

/** Sets `relaymesh_build_info{app, version}` for an app started in this process. */
export function recordBuildInfo(app: string): void {
  buildInfo.set({ app, version: packageVersion() }, 1);
}

let version: string | null = null;

/** relaymesh's version from its package.json (present in the repo and in the image), read once. */
function packageVersion(): string {
  if (version !== null) return version;
  version = 'unknown';
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'relaymesh' && typeof pkg.version === 'string') {
        version = pkg.version;
        break;
      }
    }
    if (dirname(dir) === dir) break;
  }
  return version;
}
