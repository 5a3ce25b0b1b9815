import {
  dependencyUp,
  ledgerUnwrittenAgeSeconds,
  markLedgerUnwrittenSince,
  markRoutingSnapshotConfirmed,
  recordBuildInfo,
  registry,
} from './metrics';
import { readiness } from './readiness';

describe('metrics', () => {
  afterEach(() => readiness.unregister('spec:bus'));

  it('should say which app runs, with the version from package.json', async () => {
    recordBuildInfo('spec-app');
    const text = await registry.getSingleMetricAsString('relaymesh_build_info');
    expect(text).toMatch(/relaymesh_build_info\{app="spec-app",version="\d+\.\d+\.\d+[^"]*"\} 1/);
  });

  it('should check dependencies at each scrape', async () => {
    let up = true;
    readiness.register('spec:bus', () => up, { app: 'spec', dependency: 'nats' });
    expect(await registry.getSingleMetricAsString('relaymesh_dependency_up')).toContain(
      'relaymesh_dependency_up{app="spec",dependency="nats"} 1',
    );
    up = false;
    expect(await registry.getSingleMetricAsString('relaymesh_dependency_up')).toContain(
      'relaymesh_dependency_up{app="spec",dependency="nats"} 0',
    );
    dependencyUp.reset();
  });

  it('should give the oldest unwritten usage record an age, 0 when the ledger holds none', async () => {
    expect(ledgerUnwrittenAgeSeconds()).toBe(0);
    markLedgerUnwrittenSince(1_000);
    expect(ledgerUnwrittenAgeSeconds(43_000)).toBe(42);
    markLedgerUnwrittenSince(Date.now() - 90_000);
    const text = await registry.getSingleMetricAsString(
      'relaymesh_ledger_oldest_unwritten_record_age_seconds',
    );
    expect(Number(/ (\d+(\.\d+)?)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(90);
    markLedgerUnwrittenSince(null);
    expect(ledgerUnwrittenAgeSeconds()).toBe(0);
  });

  it('should export both dead-letter reasons at 0 before any record is parked', async () => {
    const text = await registry.getSingleMetricAsString('relaymesh_ledger_dead_letters_total');
    expect(text).toContain('relaymesh_ledger_dead_letters_total{reason="database_refused"} 0');
    expect(text).toContain('relaymesh_ledger_dead_letters_total{reason="contract_violation"} 0');
  });

  it('should give the routing snapshot an age from the last confirmation', async () => {
    markRoutingSnapshotConfirmed(Date.now() - 42_000);
    const text = await registry.getSingleMetricAsString(
      'relaymesh_ingress_routing_snapshot_age_seconds',
    );
    const age = Number(/^relaymesh_ingress_routing_snapshot_age_seconds (\S+)$/m.exec(text)![1]);
    expect(age).toBeGreaterThanOrEqual(42);
    expect(age).toBeLessThan(100);
  });

  it('should name counters with _total and nothing else so, default metrics included', async () => {
    const all = await registry.getMetricsAsJSON();
    expect(all.filter((m) => /^(relaymesh|gen_ai)_/.test(m.name)).length).toBeGreaterThan(40);
    for (const metric of all) {
      if (String(metric.type) === 'counter') expect(metric.name).toMatch(/_total$/);
      else expect(metric.name).not.toMatch(/_total$/);
    }
  });
});
