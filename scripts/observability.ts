// The Grafana dashboards and the Kubernetes PrometheusRule, generated so panels stay consistent (one datasource
// variable, the same units and rate windows everywhere) and the alert rules live in one file. Run after editing:
//   npm run build && node dist/scripts/observability.js
// It writes deploy/grafana/dashboards/*.json and deploy/k8s/base/prometheus-rule.yaml (both committed); the deploy
// tests fail when the committed files differ from what this produces.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

const ROOT = resolve(__dirname, '..');
// Works from scripts/ (ts, under jest) and from dist/scripts/ (the built script).
const REPO = ROOT.endsWith('dist') ? resolve(ROOT, '..') : ROOT;
export const DASHBOARDS_DIR = join(REPO, 'deploy/grafana/dashboards');
export const RULES_FILE = join(REPO, 'deploy/prometheus/rules.yaml');
export const PROMETHEUS_RULE_FILE = join(REPO, 'deploy/k8s/base/prometheus-rule.yaml');

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
/** Grafana's rate window: at least four scrapes (see its docs on $__rate_interval). */
const RATE = '$__rate_interval';

/**
 * Expressions that are valid but have data only after a fault (no such series on a healthy mesh): the
 * observability e2e checks them for validity only. Everything else must return data under its traffic.
 */
export const ERROR_ONLY_EXPRESSIONS: ReadonlySet<string> = new Set([
  `sum by (route) (rate(relaymesh_ingress_overload_refusals_total[${RATE}]))`,
  `sum by (channel) (rate(relaymesh_ingress_channel_cooldowns_total[${RATE}]))`,
]);

type Unit = 'reqps' | 'ops' | 'percentunit' | 's' | 'short' | 'bytes' | 'currencyUSD';

interface Target {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  description: string;
  type: 'timeseries' | 'stat' | 'bargauge' | 'table';
  unit: Unit;
  targets: Target[];
  /** Width on Grafana's 24-column grid (height is 8). */
  width?: 6 | 8 | 12 | 24;
  stacked?: boolean;
}

interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  panels: PanelSpec[];
}

const t = (expr: string, legend: string): Target => ({ expr, legend });
const quantiles = (bucket: string, by: string[] = []): Target[] =>
  [0.5, 0.95, 0.99].map((q) =>
    t(
      `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (rate(${bucket}[${RATE}])))`,
      by.length ? `p${q * 100} {{${by.join('}} {{')}}}` : `p${q * 100}`,
    ),
  );

export const DASHBOARD_SPECS: DashboardSpec[] = [
  {
    uid: 'relaymesh-overview',
    title: 'relaymesh / Overview',
    description: 'Traffic, errors, latency and time to first token of the data plane.',
    panels: [
      {
        title: 'Requests by route',
        description: 'Data-plane requests answered per second, by endpoint.',
        type: 'timeseries',
        unit: 'reqps',
        stacked: true,
        targets: [
          t(`sum by (route) (rate(relaymesh_ingress_requests_total[${RATE}]))`, '{{route}}'),
        ],
      },
      {
        title: 'Responses by status code',
        description:
          'What callers got: 2xx answered, 4xx their own mistakes or refusals, 5xx ours.',
        type: 'timeseries',
        unit: 'reqps',
        stacked: true,
        targets: [t(`sum by (code) (rate(relaymesh_ingress_requests_total[${RATE}]))`, '{{code}}')],
      },
      {
        title: 'Gateway error ratio (5xx)',
        description:
          'Share of answers that are 5xx. Alert RelaymeshHighErrorRatio fires above 5% per route.',
        type: 'timeseries',
        unit: 'percentunit',
        targets: [
          t(
            `(sum(rate(relaymesh_ingress_requests_total{code=~"5.."}[${RATE}])) or vector(0)) / sum(rate(relaymesh_ingress_requests_total[${RATE}]))`,
            '5xx ratio',
          ),
        ],
      },
      {
        title: 'Request duration (GenAI server)',
        description: 'gen_ai.server.request.duration: as callers saw it, failovers included.',
        type: 'timeseries',
        unit: 's',
        targets: quantiles('gen_ai_server_request_duration_seconds_bucket'),
      },
      {
        title: 'Time to first token',
        description:
          'gen_ai.server.time_to_first_token of successful streams: the latency users feel.',
        type: 'timeseries',
        unit: 's',
        targets: quantiles('gen_ai_server_time_to_first_token_seconds_bucket'),
      },
      {
        title: 'Time to first token p95 by model',
        description: 'Per requested model; a model slow to start streaming shows here first.',
        type: 'timeseries',
        unit: 's',
        targets: [
          t(
            `histogram_quantile(0.95, sum by (le, gen_ai_request_model) (rate(gen_ai_server_time_to_first_token_seconds_bucket[${RATE}])))`,
            '{{gen_ai_request_model}}',
          ),
        ],
      },
      {
        title: 'In flight',
        description:
          'Requests and streams being served now, all replicas (RELAYMESH_MAX_IN_FLIGHT bounds each).',
        type: 'timeseries',
        unit: 'short',
        targets: [
          t('sum(relaymesh_ingress_in_flight_requests)', 'requests'),
          t('sum(relaymesh_ingress_in_flight_streams)', 'streams'),
        ],
      },
      {
        title: 'Refusals',
        description:
          'Requests refused before any upstream call: key checks, rate limits, credit, overload.',
        type: 'timeseries',
        unit: 'reqps',
        stacked: true,
        targets: [
          t(
            `sum by (reason) (rate(relaymesh_ingress_auth_refusals_total[${RATE}]))`,
            'auth: {{reason}}',
          ),
          t(
            `sum by (limit) (rate(relaymesh_ingress_rate_limit_refusals_total[${RATE}]))`,
            'rate limit: {{limit}}',
          ),
          t(
            `sum by (reason) (rate(relaymesh_ingress_credit_refusals_total[${RATE}]))`,
            'credit: {{reason}}',
          ),
          t(
            `sum by (route) (rate(relaymesh_ingress_overload_refusals_total[${RATE}]))`,
            'overload: {{route}}',
          ),
        ],
      },
      {
        title: 'Failovers and fallbacks',
        description:
          'Attempts retried on another channel (by the error that caused it) and moves to a fallback model.',
        type: 'timeseries',
        unit: 'ops',
        targets: [
          t(
            `sum by (error_class) (rate(relaymesh_ingress_failovers_total[${RATE}]))`,
            'failover after {{error_class}}',
          ),
          t(`sum(rate(relaymesh_ingress_model_fallbacks_total[${RATE}]))`, 'model fallback'),
        ],
      },
      {
        title: 'Versions running',
        description:
          'relaymesh_build_info: processes per app and version (a rollout shows two versions).',
        type: 'table',
        unit: 'short',
        targets: [t('count by (app, version) (relaymesh_build_info)', '{{app}} {{version}}')],
      },
    ],
  },
  {
    uid: 'relaymesh-channels',
    title: 'relaymesh / Channels',
    description:
      'Upstream channels: health state, ejections, error classes, latency, routing per model.',
    panels: [
      {
        title: 'Health state',
        description: 'The state each channel is in (the health-prober leader reports it).',
        type: 'table',
        unit: 'short',
        targets: [
          t(
            'max by (channel, state) (relaymesh_health_channel_state) == 1',
            '{{channel}}: {{state}}',
          ),
        ],
      },
      {
        title: 'Channels per model by rotation',
        description:
          'in: routable; ejected: used only in panic; out: disabled. None in or ejected: the model is unroutable.',
        type: 'table',
        unit: 'short',
        targets: [
          t(
            'max by (group, model, rotation) (relaymesh_health_model_channels)',
            '{{group}} {{model}} {{rotation}}',
          ),
        ],
      },
      {
        title: 'Ejections in the last hour',
        description: 'Channels taken out of rotation, by cause.',
        type: 'bargauge',
        unit: 'short',
        targets: [
          t(
            'sum by (channel, reason) (increase(relaymesh_health_ejections_total[1h]))',
            '{{channel}} {{reason}}',
          ),
        ],
      },
      {
        title: 'Attempts by error class',
        description: 'Upstream attempts per channel and outcome error class (none = success).',
        type: 'timeseries',
        unit: 'ops',
        stacked: true,
        targets: [
          t(
            `sum by (channel, error_class) (rate(relaymesh_upstream_attempts_total[${RATE}]))`,
            '{{channel}} {{error_class}}',
          ),
        ],
      },
      {
        title: 'Channel error ratio',
        description:
          'Failed attempts per channel; the callers’ own 4xx are not the channel’s fault.',
        type: 'timeseries',
        unit: 'percentunit',
        targets: [
          t(
            `sum by (channel) (rate(relaymesh_upstream_attempts_total{outcome="error",error_class!="client"}[${RATE}])) / sum by (channel) (rate(relaymesh_upstream_attempts_total[${RATE}]))`,
            '{{channel}}',
          ),
        ],
      },
      {
        title: 'Attempt latency p95 by channel',
        description: 'Until the outcome of each attempt was known (a stream: until it ended).',
        type: 'timeseries',
        unit: 's',
        targets: [
          t(
            `histogram_quantile(0.95, sum by (le, channel) (rate(relaymesh_upstream_attempt_duration_seconds_bucket[${RATE}])))`,
            '{{channel}}',
          ),
        ],
      },
      {
        title: 'Probes',
        description:
          'Probes of ejected and disabled channels, by result error class (none = success).',
        type: 'timeseries',
        unit: 'ops',
        targets: [
          t(
            `sum by (channel, result) (rate(relaymesh_health_probes_total[${RATE}]))`,
            '{{channel}} {{result}}',
          ),
        ],
      },
      {
        title: 'Health transitions in the last hour',
        description: 'State changes of the health machine, from → to.',
        type: 'bargauge',
        unit: 'short',
        targets: [
          t(
            'sum by (from, to) (increase(relaymesh_health_transitions_total[1h]))',
            '{{from}} → {{to}}',
          ),
        ],
      },
      {
        title: 'Panic picks and unroutable requests',
        description:
          'Picks that used ejected channels (panic threshold) and requests refused for want of a channel.',
        type: 'timeseries',
        unit: 'ops',
        targets: [
          t(`sum by (model) (rate(relaymesh_routing_panic_total[${RATE}]))`, 'panic {{model}}'),
          t(
            `sum by (model, group) (rate(relaymesh_ingress_no_available_channel_total[${RATE}]))`,
            'no channel {{model}} ({{group}})',
          ),
        ],
      },
      {
        title: '429 cool-downs',
        description: 'Channels rested on a replica after the upstream answered 429.',
        type: 'timeseries',
        unit: 'ops',
        targets: [
          t(
            `sum by (channel) (rate(relaymesh_ingress_channel_cooldowns_total[${RATE}]))`,
            '{{channel}}',
          ),
        ],
      },
    ],
  },
  {
    uid: 'relaymesh-usage',
    title: 'relaymesh / Usage and cost',
    description:
      'Tokens and cost by model as the ledger metered them, and GenAI usage as ingress saw it.',
    panels: [
      {
        title: 'Cost per hour by model',
        description:
          'USD debited, at the current rate, per model (prices: PUT /admin/models/{model}).',
        type: 'timeseries',
        unit: 'currencyUSD',
        stacked: true,
        targets: [
          t(`sum by (model) (rate(relaymesh_ledger_cost_usd_total[${RATE}])) * 3600`, '{{model}}'),
        ],
      },
      {
        title: 'Cost in the last 24 hours',
        description: 'USD debited per model over the last day.',
        type: 'bargauge',
        unit: 'currencyUSD',
        targets: [
          t('sum by (model) (increase(relaymesh_ledger_cost_usd_total[24h]))', '{{model}}'),
        ],
      },
      {
        title: 'Tokens metered by model',
        description: 'Per second, by kind: input, output, cache read, cache write.',
        type: 'timeseries',
        unit: 'short',
        stacked: true,
        targets: [
          t(
            `sum by (model, kind) (rate(relaymesh_ledger_tokens_total[${RATE}]))`,
            '{{model}} {{kind}}',
          ),
        ],
      },
      {
        title: 'GenAI token usage by model',
        description: 'gen_ai.client.token.usage at ingress, by requested model and token type.',
        type: 'timeseries',
        unit: 'short',
        targets: [
          t(
            `sum by (gen_ai_request_model, gen_ai_token_type) (rate(gen_ai_client_token_usage_sum[${RATE}]))`,
            '{{gen_ai_request_model}} {{gen_ai_token_type}}',
          ),
        ],
      },
      {
        title: 'Requests by model',
        description: 'GenAI requests per second by requested model and operation.',
        type: 'timeseries',
        unit: 'reqps',
        stacked: true,
        targets: [
          t(
            `sum by (gen_ai_request_model, gen_ai_operation_name) (rate(gen_ai_server_request_duration_seconds_count[${RATE}]))`,
            '{{gen_ai_request_model}} {{gen_ai_operation_name}}',
          ),
        ],
      },
      {
        title: 'Upstream call duration p95 by provider',
        description: 'gen_ai.client.operation.duration per upstream attempt.',
        type: 'timeseries',
        unit: 's',
        targets: [
          t(
            `histogram_quantile(0.95, sum by (le, gen_ai_provider_name) (rate(gen_ai_client_operation_duration_seconds_bucket[${RATE}])))`,
            '{{gen_ai_provider_name}}',
          ),
        ],
      },
      {
        title: 'Ledger records',
        description:
          'Usage records consumed: committed, duplicate (already stored), poison; and unpriced ones.',
        type: 'timeseries',
        unit: 'ops',
        targets: [
          t(`sum by (result) (rate(relaymesh_ledger_records_total[${RATE}]))`, '{{result}}'),
          t(`sum(rate(relaymesh_ledger_unpriced_records_total[${RATE}]))`, 'unpriced'),
        ],
      },
    ],
  },
  {
    uid: 'relaymesh-mesh',
    title: 'relaymesh / Mesh',
    description:
      'The apps, NATS and Postgres between them: dependencies, ledger lag, outbox, snapshots.',
    panels: [
      {
        title: 'Dependencies up',
        description:
          'Each app’s NATS and Postgres, checked at each scrape (the same checks as /readyz).',
        type: 'table',
        unit: 'short',
        targets: [
          t('min by (app, dependency) (relaymesh_dependency_up)', '{{app}} → {{dependency}}'),
        ],
      },
      {
        title: 'Targets up',
        description: 'Scrapes that succeeded, per app process.',
        type: 'timeseries',
        unit: 'short',
        targets: [t('sum by (job) (up{job=~"relaymesh-.*"})', '{{job}}')],
      },
      {
        title: 'Ledger consumer lag',
        description:
          'usage.recorded messages in JetStream not yet delivered (pending) and delivered but not acknowledged.',
        type: 'timeseries',
        unit: 'short',
        targets: [
          t('max(relaymesh_ledger_consumer_pending_messages)', 'pending'),
          t('max(relaymesh_ledger_consumer_unacknowledged_messages)', 'unacknowledged'),
        ],
      },
      {
        title: 'Usage outbox',
        description:
          'Records each ingress holds until JetStream acknowledges them; must keep returning to 0.',
        type: 'timeseries',
        unit: 'short',
        targets: [t('sum by (instance) (relaymesh_ingress_usage_outbox_records)', '{{instance}}')],
      },
      {
        title: 'Usage publishes',
        description: 'Publishes to JetStream by result (failed ones are retried).',
        type: 'timeseries',
        unit: 'ops',
        targets: [
          t(
            `sum by (result) (rate(relaymesh_ingress_usage_publishes_total[${RATE}]))`,
            '{{result}}',
          ),
        ],
      },
      {
        title: 'Lost and failed',
        description:
          'Usage records dropped (outbox full) and ledger transactions failed, last hour.',
        type: 'stat',
        unit: 'short',
        targets: [
          t('sum(increase(relaymesh_ingress_usage_outbox_dropped_total[1h]))', 'dropped'),
          t('sum(increase(relaymesh_ledger_batch_failures_total[1h]))', 'batch failures'),
        ],
      },
      {
        title: 'Routing snapshot age',
        description: 'Since each ingress last heard the router (re-announced every 15 s).',
        type: 'timeseries',
        unit: 's',
        targets: [
          t('max by (instance) (relaymesh_ingress_routing_snapshot_age_seconds)', '{{instance}}'),
        ],
      },
      {
        title: 'Routing snapshot version',
        description:
          'The version each process routes with; replicas converge within moments of a change.',
        type: 'timeseries',
        unit: 'short',
        targets: [t('max by (job, instance) (relaymesh_routing_snapshot_version)', '{{instance}}')],
      },
      {
        title: 'Key cache',
        description: 'Key look-ups by result; a miss costs one request-reply to the ledger.',
        type: 'timeseries',
        unit: 'ops',
        targets: [
          t(
            `sum by (result) (rate(relaymesh_ingress_key_cache_lookups_total[${RATE}]))`,
            '{{result}}',
          ),
        ],
      },
      {
        title: 'Rate-limit windows exchanged',
        description: 'Per-key usage shared between ingress replicas over NATS, by direction.',
        type: 'timeseries',
        unit: 'ops',
        targets: [
          t(
            `sum by (direction) (rate(relaymesh_ingress_rate_limit_broadcasts_total[${RATE}]))`,
            '{{direction}}',
          ),
        ],
      },
      {
        title: 'Health-prober leader',
        description: 'Replicas leading (should be exactly 1).',
        type: 'stat',
        unit: 'short',
        targets: [t('sum(relaymesh_health_leader)', 'leaders')],
      },
      {
        title: 'Memory (RSS)',
        description: 'Resident memory per app process.',
        type: 'timeseries',
        unit: 'bytes',
        targets: [
          t(
            'sum by (job, instance) (process_resident_memory_bytes{job=~"relaymesh-.*"})',
            '{{job}} {{instance}}',
          ),
        ],
      },
      {
        title: 'CPU',
        description: 'CPU seconds per second per app process.',
        type: 'timeseries',
        unit: 'short',
        targets: [
          t(
            `sum by (job, instance) (rate(process_cpu_seconds_total{job=~"relaymesh-.*"}[${RATE}]))`,
            '{{job}} {{instance}}',
          ),
        ],
      },
      {
        title: 'Event loop lag p99',
        description: 'A busy or blocked event loop delays every request of that process.',
        type: 'timeseries',
        unit: 's',
        targets: [
          t(
            'max by (job, instance) (nodejs_eventloop_lag_p99_seconds{job=~"relaymesh-.*"})',
            '{{job}} {{instance}}',
          ),
        ],
      },
    ],
  },
];

/** A Grafana dashboard (schema 39) from a spec: panels laid out left to right, 8 units high. */
export function dashboardJson(spec: DashboardSpec): Record<string, unknown> {
  let x = 0;
  let y = 0;
  const panels = spec.panels.map((panel, index) => {
    const w = panel.width ?? (panel.type === 'table' || panel.type === 'stat' ? 8 : 12);
    if (x + w > 24) {
      x = 0;
      y += 8;
    }
    const gridPos = { x, y, w, h: 8 };
    x += w;
    return {
      id: index + 1,
      type: panel.type,
      title: panel.title,
      description: panel.description,
      datasource: DATASOURCE,
      gridPos,
      fieldConfig: {
        defaults: {
          unit: panel.unit,
          ...(panel.type === 'timeseries'
            ? {
                custom: {
                  drawStyle: 'line',
                  fillOpacity: panel.stacked ? 30 : 10,
                  stacking: { mode: panel.stacked ? 'normal' : 'none', group: 'A' },
                },
              }
            : {}),
        },
        overrides: [],
      },
      options:
        panel.type === 'timeseries'
          ? { legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max'] } }
          : panel.type === 'table'
            ? { showHeader: true }
            : { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } },
      targets: panel.targets.map((target, i) => ({
        refId: String.fromCharCode(65 + i),
        datasource: DATASOURCE,
        expr: target.expr,
        legendFormat: target.legend,
        range: panel.type !== 'table',
        instant: panel.type === 'table',
      })),
    };
  });
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['relaymesh'],
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    timezone: 'browser',
    // A datasource variable rather than `__inputs`: file provisioning does not resolve `__inputs`.
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
      ],
    },
    annotations: { list: [] },
    links: [
      {
        title: 'relaymesh dashboards',
        type: 'dashboards',
        tags: ['relaymesh'],
        asDropdown: true,
      },
    ],
    panels,
  };
}

export function dashboardFiles(): Map<string, string> {
  return new Map(
    DASHBOARD_SPECS.map((spec) => [
      `${spec.uid}.json`,
      `${JSON.stringify(dashboardJson(spec), null, 2)}\n`,
    ]),
  );
}

/** deploy/prometheus/rules.yaml as a prometheus-operator PrometheusRule. */
export function prometheusRuleYaml(rulesYaml: string): string {
  const rules = parse(rulesYaml) as { groups: unknown[] };
  const resource = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'relaymesh' },
    spec: { groups: rules.groups },
  };
  return (
    '# Generated from deploy/prometheus/rules.yaml by scripts/observability.ts: edit that file, not this one.\n' +
    stringify(resource, { lineWidth: 0 })
  );
}

function main(): void {
  for (const [name, json] of dashboardFiles()) writeFileSync(join(DASHBOARDS_DIR, name), json);
  writeFileSync(PROMETHEUS_RULE_FILE, prometheusRuleYaml(readFileSync(RULES_FILE, 'utf8')));
  console.log(
    `observability: ${DASHBOARD_SPECS.length} dashboards in ${DASHBOARDS_DIR}, PrometheusRule in ${PROMETHEUS_RULE_FILE}`,
  );
}

if (require.main === module) main();

/**
 * The signal an alert compares: `<signal> <op> <threshold>` → `<signal>`, split at the last comparison outside
 * parentheses, braces, brackets and strings. The observability e2e checks each signal returns data, since the
 * whole expression returns data only while the alert would fire.
 */
export function alertSignal(expr: string): string {
  let depth = 0;
  let quote: string | null = null;
  let split = -1;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && /[<>=!]/.test(c)) {
      const op = /^(==|!=|>=|<=|>|<)/.exec(expr.slice(i))?.[0];
      if (op) {
        split = i;
        i += op.length - 1;
      }
    }
  }
  if (split < 0) throw new Error(`no comparison outside brackets in: ${expr}`);
  return expr.slice(0, split).trim();
}
