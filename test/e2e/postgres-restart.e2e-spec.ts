// Drill: Postgres restarts while traffic flows (four processes, two ingress replicas, on a Postgres cluster of
// this test's own so the shared server is never touched). The data plane needs no database: both replicas keep
// serving known keys, with no 5xx, and ingress stays ready; router, prober and ledger say not-ready while the
// database is away. The ledger cannot commit meanwhile, so the usage waits in JetStream (redelivered, never
// acknowledged) and is committed exactly once when Postgres is back; every app's pool reconnects by itself,
// the prober takes the lead again, and admin writes work again.
import {
  Deployment,
  FakeOpenAI,
  PrivatePostgres,
  SteadyTraffic,
  freePort,
  readyzStatus,
  settledUsage,
  startDeployment,
  waitFor,
  waitForReadyz,
  prepareDrill,
} from '@relaymesh/testing';

describe('Postgres restart while traffic flows (distributed, two ingress replicas, private Postgres)', () => {
  let postgres: PrivatePostgres;
  let relay: Deployment;
  let upstream: FakeOpenAI;
  let key: { id: string; key: string };

  const leaderGauge = async (): Promise<number> => {
    const text = await (await fetch(`${relay.appUrl('health-prober')}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('relaymesh_health_leader '));
    return Number(line?.split(' ')[1] ?? NaN);
  };

  beforeAll(async () => {
    postgres = new PrivatePostgres(await freePort());
    await postgres.start();
    upstream = await FakeOpenAI.start();
    relay = await startDeployment('distributed', {
      label: 'e2e_pg_restart',
      databaseUrl: postgres.url,
      ingressReplicas: 2,
    });
    key = await prepareDrill(relay, upstream.url, ['pg-m'], 'pg-drill');
    await waitFor(async () => (await leaderGauge()) === 1, { what: 'a leading prober' });
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await upstream?.close();
    await postgres?.dispose();
  });

  it('should serve throughout, flip /readyz of the apps that own data, reconnect and commit the waiting usage once', async () => {
    const dataApps = (['router', 'health-prober', 'usage-ledger'] as const).map((app) =>
      relay.appUrl(app),
    );
    const traffic = new SteadyTraffic({
      urls: relay.ingressUrls,
      key: key.key,
      model: 'pg-m',
      label: 'pg',
    }).start();
    await traffic.more(20, 'traffic before the restart');

    await postgres.stop('fast');
    const stoppedAt = Date.now();
    const notReadyMs = await waitForReadyz(dataApps, 503, 'router, prober and ledger not ready');
    await traffic.more(30, 'requests served while Postgres is away');
    // The data plane depends on no database: both replicas stay ready and in rotation.
    expect(await Promise.all(relay.ingressUrls.map((url) => readyzStatus(url)))).toEqual([
      200, 200,
    ]);
    // What truly needs the database is refused in the admin envelope, not left hanging.
    const refused = await relay.admin<{ error?: { message: string } }>('POST', '/keys', {
      name: 'during-outage',
    });
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(typeof refused.body.error?.message).toBe('string');

    const restartedAt = Date.now();
    await postgres.start();
    await waitForReadyz(dataApps, 200, 'router, prober and ledger ready again');
    const readyAgainMs = Date.now() - restartedAt;
    await traffic.more(20, 'traffic after the restart');
    const sent = await traffic.stop();

    expect(sent.filter((r) => r.status !== 200)).toEqual([]);
    const whileDown = sent.filter((r) => r.at > stoppedAt && r.at < restartedAt);
    expect(whileDown.length).toBeGreaterThanOrEqual(25);

    // Every pool reconnected: the prober leads again (its lock connection is new), the ledger and the router
    // write again.
    await waitFor(async () => (await leaderGauge()) === 1, { what: 'the prober leading again' });
    const fresh = await relay.admin<{ key: string }>('POST', '/keys', { name: 'after' });
    expect(fresh.status).toBe(201);
    expect(
      (
        await relay.admin('PATCH', `/keys/${key.id}`, {
          name: 'pg-drill-renamed',
        })
      ).status,
    ).toBe(200);
    const { rows } = await settledUsage(relay, key.id, sent.length + relay.ingressUrls.length);
    const drill = rows.filter((r) => r.request_id.startsWith('pg-'));
    expect(drill.map((r) => r.request_id).sort()).toEqual(sent.map((r) => r.requestId).sort());
    expect(drill.every((r) => r.status === 200 && r.cost_usd > 0)).toBe(true);
    // The records of the outage did wait: the ledger's transactions failed and were redelivered.
    const ledgerMetrics = await (await fetch(`${relay.appUrl('usage-ledger')}/metrics`)).text();
    const failedBatches = ledgerMetrics
      .split('\n')
      .filter((l) => l.startsWith('relaymesh_ledger_batch_failures_total'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect(failedBatches).toBeGreaterThan(0);

    console.log(
      `Postgres restart drill: ${sent.length} requests (${whileDown.length} while Postgres was away), none failed; router, prober and ledger not ready ` +
        `${notReadyMs} ms after Postgres stopped; ready again ${readyAgainMs} ms after it was back; ` +
        `${drill.length} usage records, exact (${failedBatches} ledger batches redelivered); an admin write ` +
        `during the outage: ${refused.status}`,
    );
  });
});
