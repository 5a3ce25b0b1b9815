// The alert rules and the dashboards, offline: promtool checks and unit-tests the rules, every PromQL
// expression of the dashboards parses, every metric they name is one relaymesh exports, the committed
// dashboards and PrometheusRule are what scripts/observability.ts generates, and Grafana's provisioning
// files point at them. (The observability e2e then runs them all against a real Prometheus.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { registry } from '@relaymesh/telemetry';
import {
  DASHBOARDS_DIR,
  PROMETHEUS_RULE_FILE,
  RULES_FILE,
  dashboardFiles,
  prometheusRuleYaml,
} from '../../scripts/observability';
import { REPO } from './render';

const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

function promtool(...args: string[]): string {
  if (!existsSync(PROMTOOL)) {
    throw new Error(
      `${PROMTOOL} is missing: install the Debian package \`prometheus\` (it ships promtool)`,
    );
  }
  return execFileSync(PROMTOOL, args, { encoding: 'utf8', cwd: join(REPO, 'deploy/prometheus') });
}

interface Dashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; type: string; query: string }[] };
  panels: {
    id: number;
    title: string;
    datasource: { type: string; uid: string };
    gridPos: { x: number; y: number; w: number; h: number };
    targets: { refId: string; expr: string; datasource: { uid: string } }[];
  }[];
}

const dashboards: Dashboard[] = readdirSync(DASHBOARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(DASHBOARDS_DIR, f), 'utf8')) as Dashboard);
const rules = parse(readFileSync(RULES_FILE, 'utf8')) as {
  groups: { name: string; rules: { alert: string; expr: string }[] }[];
};
const dashboardExprs = dashboards.flatMap((d) =>
  d.panels.flatMap((p) => p.targets.map((t) => t.expr)),
);
const ruleExprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));

/** As Grafana would send it: its interval variables replaced by a window. */
const forPrometheus = (expr: string) => expr.replaceAll('$__rate_interval', '5m');

describe('Prometheus alert rules', () => {
  it('should pass promtool check rules', () => {
    expect(promtool('check', 'rules', 'rules.yaml')).toContain('SUCCESS');
  });

  it("should pass the rules' unit tests (promtool test rules)", () => {
    expect(promtool('test', 'rules', 'rules.test.yaml')).toContain('SUCCESS');
  });

  it('should test every alert in rules.test.yaml', () => {
    const tests = readFileSync(join(REPO, 'deploy/prometheus/rules.test.yaml'), 'utf8');
    for (const { alert } of rules.groups.flatMap((g) => g.rules)) {
      expect([alert, tests.includes(`alertname: ${alert}\n`)]).toEqual([alert, true]);
    }
  });

  it('should deploy the same rules as the PrometheusRule of deploy/k8s/base', () => {
    expect(readFileSync(PROMETHEUS_RULE_FILE, 'utf8')).toBe(
      prometheusRuleYaml(readFileSync(RULES_FILE, 'utf8')),
    );
  });
});

describe('Grafana dashboards', () => {
  it('should be what scripts/observability.ts generates (run it after editing the specs)', () => {
    const generated = dashboardFiles();
    expect(readdirSync(DASHBOARDS_DIR).sort()).toEqual([...generated.keys()].sort());
    for (const [name, json] of generated) {
      expect([name, readFileSync(join(DASHBOARDS_DIR, name), 'utf8')]).toEqual([name, json]);
    }
  });

  it('should cover traffic, channels, usage and the mesh', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual([
      'relaymesh-channels',
      'relaymesh-mesh',
      'relaymesh-overview',
      'relaymesh-usage',
    ]);
  });

  it('should have unique ids, a datasource on every panel and target, and panels on the grid', () => {
    for (const dashboard of dashboards) {
      const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
      expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
      const ids = dashboard.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of dashboard.panels) {
        expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
        expect(panel.targets.length).toBeGreaterThan(0);
        const refIds = panel.targets.map((t) => t.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
        for (const target of panel.targets) {
          expect(target.datasource.uid).toBe('${datasource}');
          expect(target.expr.trim()).not.toBe('');
        }
      }
    }
    const uids = dashboards.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('should hold only valid PromQL (each expression checked by promtool as a recording rule)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relaymesh-dashboards-'));
    try {
      const file = join(dir, 'dashboards.rules.yaml');
      const records = dashboardExprs.map((expr, i) => ({
        record: `dashboard:expr_${i}`,
        expr: forPrometheus(expr),
      }));
      writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules: records }] }));
      expect(promtool('check', 'rules', file)).toContain(`SUCCESS: ${records.length} rules found`);
      // The check can fail: a broken expression is refused.
      writeFileSync(
        file,
        stringify({ groups: [{ name: 'x', rules: [{ record: 'x:y', expr: 'sum(rate(x[5m])' }] }] }),
      );
      expect(() => promtool('check', 'rules', file)).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should name only metrics relaymesh exports (or Prometheus’s own `up`)', async () => {
    const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const unknown = new Set<string>();
    for (const expr of [...dashboardExprs, ...ruleExprs]) {
      // Label names (in `by (...)` and matchers) are not metric names.
      const metricsOnly = expr
        .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
        .replace(/\{[^}]*\}/g, '');
      for (const [name] of metricsOnly.matchAll(
        /\b(?:relaymesh|gen_ai|process|nodejs)_[a-z0-9_]+\b/g,
      )) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        if (!exported.has(name) && !exported.has(base)) unknown.add(name);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it('should be provisioned from their directory with a Prometheus datasource', () => {
    const provisioning = join(REPO, 'deploy/grafana/provisioning');
    const providers = parse(readFileSync(join(provisioning, 'dashboards/relaymesh.yaml'), 'utf8'));
    expect(providers).toMatchObject({ apiVersion: 1, providers: [{ type: 'file', options: {} }] });
    expect(providers.providers[0].options.path).toMatch(/dashboards/);
    const datasources = parse(
      readFileSync(join(provisioning, 'datasources/relaymesh.yaml'), 'utf8'),
    );
    expect(datasources).toMatchObject({ apiVersion: 1, datasources: [{ type: 'prometheus' }] });
  });
});

describe('the image', () => {
  const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const dockerignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');

  it('should build in stages from a pinned Node image and run as a non-root user', () => {
    const from = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(from.length).toBeGreaterThanOrEqual(2);
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(image).toMatch(/^node:\d+\.\d+\.\d+-[a-z-]+$/);
    const user = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  it('should install production dependencies only into the final image, and the built dist', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/COPY --from=production-dependencies \/app\/node_modules/);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(dockerfile).toMatch(/RUN node scripts\/build\.js/);
  });

  it('should run on the Node that CI tests on, a version package.json engines allows', () => {
    const image = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(dockerfile)?.[1];
    const ci = readFileSync(join(REPO, '.ci/run'), 'utf8');
    expect(image).toBe(/^NODE_VERSION=(\S+)$/m.exec(ci)?.[1]);
    const { engines } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    const floor = /^>=(\d+\.\d+\.\d+)$/.exec(engines.node)?.[1];
    expect(floor).toBeDefined();
    const parts = (version: string): number[] => version.split('.').map(Number);
    const [a, b] = [parts(image ?? ''), parts(floor ?? '')];
    const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    expect(cmp).toBeGreaterThanOrEqual(0);
  });

  it('should leave out of the image only optional packages that no runtime code needs', () => {
    // The production stage runs `npm ci --omit=dev --omit=optional`, so that Claude Code's native binary (an
    // optional dependency for the claude-code e2e) stays out of the image. That also drops every other optional
    // package of the runtime tree; a new one here (a native binding, say) must be checked before it is added.
    expect(dockerfile).toMatch(/npm ci --omit=dev --omit=optional/);
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optional?: boolean; dev?: boolean }>;
    };
    const omitted = Object.entries(lock.packages)
      .filter(([, entry]) => entry.optional === true && entry.dev !== true)
      .map(([path]) => path.replace(/^node_modules\//, ''))
      .sort();
    expect(omitted).toEqual([
      '@anthropic-ai/claude-code-linux-x64', // the claude-code e2e's CLI, not the gateway's
      'pg-cloudflare', // pg's socket for Cloudflare Workers only
    ]);
  });

  it('should keep local state out of the build context', () => {
    for (const entry of ['node_modules', 'dist', '.git', 'data']) {
      expect(dockerignore).toContain(entry);
    }
  });
});
