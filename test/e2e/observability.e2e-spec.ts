// Dashboards and alerts that work: relaymesh's four processes scraped by a real Prometheus server (Debian's
// `prometheus`, 1 s scrapes, the alert rules loaded) under traffic of every kind (answers and streams through
// the SDKs, failovers, an ejected channel, panic picks, refusals, fallbacks, 5xx). Then every dashboard panel's
// query and every alert's signal must return data from Prometheus (or, for the few that only count faults not
// provoked here, be valid PromQL); every rule loads and evaluates; `promtool check metrics` accepts a scrape of
// each process taken under traffic; and no scrape shows a channel key, a client key or the admin token.
import Anthropic from '@anthropic-ai/sdk';
import {
  Deployment,
  FakeOpenAI,
  PrometheusServer,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parse } from 'yaml';
import {
  DASHBOARDS_DIR,
  ERROR_ONLY_EXPRESSIONS,
  RULES_FILE,
  alertSignal,
} from '../../scripts/observability';

const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

/** Health thresholds short enough to eject and probe within the test (as in self-healing.e2e-spec.ts). */
const FAST_HEALTH = {
  RELAYMESH_HEALTH_CONSECUTIVE_FAILURES: '2',
  RELAYMESH_HEALTH_TICK_MS: '100',
  RELAYMESH_HEALTH_FLUSH_MS: '200',
  RELAYMESH_HEALTH_EJECTION_BASE_MS: '1000',
  RELAYMESH_HEALTH_EJECTION_JITTER: '0',
  RELAYMESH_HEALTH_PROBE_INTERVAL_MS: '300',
  RELAYMESH_HEALTH_PROBE_MAX_INTERVAL_MS: '1000',
};

/** Grafana's interval variable, as it would expand for a 1 s scrape over a short range. */
const asGrafanaSends = (expr: string) => expr.replaceAll('$__rate_interval', '1m');

interface DashboardFile {
  title: string;
  panels: { title: string; targets: { expr: string }[] }[];
}

const dashboardQueries = readdirSync(DASHBOARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .flatMap((file) => {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as DashboardFile;
    return dashboard.panels.flatMap((panel) =>
      panel.targets.map((target) => ({
        where: `${dashboard.title} › ${panel.title}`,
        expr: target.expr,
        errorOnly: ERROR_ONLY_EXPRESSIONS.has(target.expr),
      })),
    );
  });

const ruleQueries = (
  parse(readFileSync(RULES_FILE, 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  }
).groups.flatMap((group) =>
  group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
);

describe('observability: a real Prometheus scraping relaymesh (distributed)', () => {
  let relay: Deployment;
  let prometheus: PrometheusServer;
  let good: FakeOpenAI;
  let bad: FakeOpenAI;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let clientKey: string;
  let limitedKey: string;
  let creditKey: string;
  const channelKeys = [`sk-obs-secret-good-${Date.now()}`, `sk-obs-secret-bad-${Date.now()}`];
  const scrapes: { name: string; text: string }[] = [];
  const channelIds = new Map<string, string>();

  const post = (path: string, body: unknown, key = clientKey) =>
    fetch(`${relay.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    }).then(async (res) => {
      await res.text();
      return res.status;
    });
  const chat = (model: string, key?: string, extra: Record<string, unknown> = {}) =>
    post(
      '/v1/chat/completions',
      { model, messages: [{ role: 'user', content: 'hi' }], ...extra },
      key,
    );

  /** One round of traffic of every kind the dashboards and alerts read. */
  async function traffic(): Promise<void> {
    // Answers, non-stream and stream, in two formats through the official SDKs (obs-bad fails first: failover).
    for (let i = 0; i < 3; i++) {
      const answer = await openai.chat.completions.create({
        model: 'obs-m',
        messages: [{ role: 'user', content: 'hello' }],
      });
      expect(answer.choices[0].message.content).toBeTruthy();
    }
    const stream = await openai.chat.completions.create({
      model: 'obs-m',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
    });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
    expect(streamed).not.toBe('');
    const message = await anthropic.messages.create({
      model: 'obs-m',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello from anthropic' }],
    });
    expect(message.content.length).toBeGreaterThan(0);
    // A fallback chain whose first model has no channel in rotation.
    expect(await chat('obs-off', clientKey, { models: ['obs-off', 'obs-m'] })).toBe(200);
    // The gateway's own failures and refusals.
    // Its only channel fails: ejected after two failures, then picked in panic (the last resort).
    for (let i = 0; i < 3; i++) expect(await chat('obs-panic')).toBe(502);
    expect(await chat('obs-off')).toBe(503); // no channel in rotation
    expect(await chat('obs-m', 'sk-rm-not-a-key-000000000000000000')).toBe(401);
    expect(await chat('no-such-model')).toBe(404);
    expect(await chat('obs-panic', creditKey)).toBe(403); // finite credit, unpriced model
    const limited = [await chat('obs-m', limitedKey), await chat('obs-m', limitedKey)];
    expect(limited).toContain(429);
  }

  beforeAll(async () => {
    [good, bad] = await Promise.all([FakeOpenAI.start(), FakeOpenAI.start()]);
    bad.setStickyFault({ kind: 'status', status: 500 });
    relay = await startDeployment('distributed', { label: 'observability', env: FAST_HEALTH });
    const channels = [
      { name: 'obs-good', base_url: good.url, keys: [channelKeys[0]], models: ['obs-m'] },
      // Tried first (higher priority): fails over to obs-good, then is ejected.
      {
        name: 'obs-bad',
        base_url: bad.url,
        keys: [channelKeys[1]],
        models: ['obs-m'],
        priority: 10,
      },
      { name: 'obs-lonely', base_url: bad.url, keys: [channelKeys[1]], models: ['obs-panic'] },
      {
        name: 'obs-off',
        base_url: good.url,
        keys: [channelKeys[0]],
        models: ['obs-off'],
        enabled: false,
      },
    ];
    for (const channel of channels) {
      const created = await relay.admin<{ id: string }>('POST', '/channels', {
        type: 'openai',
        ...channel,
      });
      expect(created.status).toBe(201);
      channelIds.set(channel.name, created.body.id);
    }
    const price = await relay.admin('PUT', '/models/obs-m', {
      input_usd_per_mtok: 1,
      output_usd_per_mtok: 4,
    });
    expect(price.status).toBeLessThan(300);
    const key = async (body: Record<string, unknown>) =>
      (await relay.admin<{ key: string }>('POST', '/keys', body)).body.key;
    clientKey = await key({ name: 'obs' });
    limitedKey = await key({ name: 'obs-limited', rpm: 1 });
    creditKey = await key({ name: 'obs-credit', credit_usd: 5 });
    openai = new OpenAI({ apiKey: clientKey, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: clientKey, baseURL: relay.url, maxRetries: 0 });
    await waitFor(async () => (await chat('obs-m')) === 200, { what: 'obs-m routable' });

    const jobs = new Map<string, string[]>();
    for (const { name, url } of relay.metricsUrls) {
      const job = `relaymesh-${name.replace(/-\d+$/, '')}`; // the Kubernetes Service names
      jobs.set(job, [...(jobs.get(job) ?? []), url]);
    }
    prometheus = await PrometheusServer.start({
      jobs: [...jobs].map(([job, urls]) => ({ job, urls })),
      ruleFiles: [RULES_FILE],
    });
    // Every app's target is scraped (up) before the traffic starts, so counters move between scrapes.
    const jobsUp = await waitFor(
      async () => {
        const { activeTargets } = await prometheus.api<{
          activeTargets: { labels: { job: string }; health: string }[];
        }>('targets');
        return activeTargets.length === relay.metricsUrls.length &&
          activeTargets.every((t) => t.health === 'up')
          ? activeTargets.map((t) => t.labels.job).sort()
          : null;
      },
      { what: 'every target scraped', timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(jobsUp).toEqual([
      'relaymesh-health-prober',
      'relaymesh-ingress',
      'relaymesh-router',
      'relaymesh-usage-ledger',
    ]);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await relay?.stop();
    await Promise.all([good?.close(), bad?.close()]);
  });

  it('should scrape every app, with every series a dashboard or alert reads', async () => {
    // Two rounds a few scrapes apart, so counters move between scrapes (rates above zero); the scrape for
    // promtool is taken while the second round runs.
    await traffic();
    // The failing channels are ejected before the second round, which then picks obs-lonely in panic.
    for (const name of ['obs-bad', 'obs-lonely']) {
      await waitFor(
        async () =>
          (await relay.admin<{ status: string }>('GET', `/channels/${channelIds.get(name)}`)).body
            .status === 'auto_disabled',
        { what: `${name} ejected`, timeoutMs: 15_000, intervalMs: 100 },
      );
    }
    await new Promise((r) => setTimeout(r, 2_000));
    await Promise.all([
      traffic(),
      (async () => {
        for (const { name, url } of relay.metricsUrls) {
          scrapes.push({ name, text: await (await fetch(`${url}/metrics`)).text() });
        }
      })(),
    ]);

    // Every query that must have data has it, within the deadline (scrapes every second, ledger commits).
    const mustHaveData = [
      ...dashboardQueries.filter((q) => !q.errorOnly),
      ...ruleQueries.map((q) => ({
        ...q,
        where: `${q.where} (signal)`,
        expr: alertSignal(q.expr),
      })),
    ];
    let empty: string[] = [];
    await waitFor(
      async () => {
        empty = [];
        for (const query of mustHaveData) {
          const result = await prometheus.query(asGrafanaSends(query.expr));
          if (!result.ok) throw new Error(`${query.where}: ${result.error}`);
          if (result.samples.length === 0) empty.push(`${query.where}: ${query.expr}`);
        }
        return empty.length === 0;
      },
      {
        what: 'every dashboard query and alert signal to return data',
        timeoutMs: 40_000,
        intervalMs: 1_000,
      },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nstill empty:\n${empty.join('\n')}`);
    });
  });

  it('should accept the error-only panels and every full alert expression as valid PromQL', async () => {
    const validOnly = [...dashboardQueries.filter((q) => q.errorOnly), ...ruleQueries];
    expect(validOnly.length).toBeGreaterThan(ruleQueries.length);
    for (const query of validOnly) {
      const result = await prometheus.query(asGrafanaSends(query.expr));
      expect([query.where, result.ok]).toEqual([query.where, true]);
    }
    // The check can fail: Prometheus refuses a broken expression.
    expect((await prometheus.query('sum(rate(relaymesh_ingress_requests_total[1m])')).ok).toBe(
      false,
    );
  });

  it('should load and evaluate every alert rule', async () => {
    const loaded = await waitFor(
      async () => {
        const { groups } = await prometheus.api<{
          groups: { rules: { name: string; health: string; lastEvaluation: string }[] }[];
        }>('rules');
        const rules = groups.flatMap((g) => g.rules);
        return rules.every((r) => !r.lastEvaluation.startsWith('0001')) ? rules : null;
      },
      { what: 'every rule evaluated once', timeoutMs: 10_000, intervalMs: 250 },
    );
    expect(loaded.map((r) => r.name).sort()).toEqual(
      ruleQueries.map((q) => q.where.slice(6)).sort(),
    );
    for (const rule of loaded) expect([rule.name, rule.health]).toEqual([rule.name, 'ok']);
  });

  it('should pass promtool check metrics on a scrape of each process taken under traffic', () => {
    expect(scrapes.map((s) => s.name).sort()).toEqual([
      'health-prober',
      'ingress',
      'router',
      'usage-ledger',
    ]);
    const ingress = scrapes.find((s) => s.name === 'ingress')!.text;
    // The scrape saw the traffic: GenAI metrics with bounded labels.
    expect(ingress).toMatch(
      /gen_ai_server_request_duration_seconds_count\{[^}]*gen_ai_request_model="obs-m"/,
    );
    expect(ingress).toMatch(/gen_ai_client_token_usage_count\{[^}]*gen_ai_token_type="output"/);
    for (const { name, text } of scrapes) {
      const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect([name, check.status, check.stdout + check.stderr]).toEqual([name, 0, '']);
    }
  });

  it('should show no channel key, client key or admin token in any scrape', () => {
    const everything = scrapes.map((s) => s.text).join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    for (const secret of [...channelKeys, clientKey, limitedKey, creditKey, relay.adminToken]) {
      expect(everything).not.toContain(secret);
    }
  });
});
