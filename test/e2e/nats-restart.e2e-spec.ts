// Drill: NATS restarts while traffic flows (four processes, two ingress replicas, on a NATS server of this
// test's own so the shared one is never touched). While NATS is away every app's /readyz says not ready, and
// both replicas keep serving known keys from memory (usage waits in ingress's outbox); when it is back every
// app reconnects by itself and is ready again, the control plane answers and pushes changes again, and the
// usage of every request is in the ledger exactly once with a balance that matches it.
import {
  ALL_APPS,
  Deployment,
  FakeOpenAI,
  PrivateNats,
  SteadyTraffic,
  freePort,
  settledUsage,
  startDeployment,
  waitFor,
  readyzStatus,
  waitForReadyz,
  DRILL_PRICE,
  chatStatus,
  prepareDrill,
} from '@relaymesh/testing';

describe('NATS restart while traffic flows (distributed, two ingress replicas, private NATS)', () => {
  let nats: PrivateNats;
  let relay: Deployment;
  let upstream: FakeOpenAI;
  let key: { id: string; key: string };

  beforeAll(async () => {
    nats = new PrivateNats(await freePort());
    await nats.start();
    upstream = await FakeOpenAI.start();
    relay = await startDeployment('distributed', {
      label: 'e2e_nats_restart',
      natsUrl: nats.url,
      ingressReplicas: 2,
    });
    key = await prepareDrill(relay, upstream.url, ['nats-m', 'after-m'], 'nats-drill');
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await upstream?.close();
    await nats?.dispose();
  });

  it('should keep serving, say not-ready while NATS is away, reconnect every app and meter everything once', async () => {
    const appUrls = [...ALL_APPS.map((app) => relay.appUrl(app)), relay.ingressUrls[1]];
    const traffic = new SteadyTraffic({
      urls: relay.ingressUrls,
      key: key.key,
      model: 'nats-m',
      label: 'nats',
    }).start();
    await traffic.more(20, 'traffic before the restart');

    await nats.stop();
    const stoppedAt = Date.now();
    const notReadyMs = await waitForReadyz(appUrls, 503, 'every app not ready with NATS away');
    await traffic.more(30, 'requests served while NATS is away');
    // Ingress can still serve on its own: the scope its Kubernetes readiness probe asks stays ready, so a
    // NATS outage does not take every replica out of its Service.
    expect(await Promise.all(relay.ingressUrls.map((url) => readyzStatus(url, 'serving')))).toEqual(
      [200, 200],
    );

    const restartedAt = Date.now();
    await nats.start();
    await waitForReadyz(appUrls, 200, 'every app ready again after NATS is back');
    const readyAgainMs = Date.now() - restartedAt;
    await traffic.more(20, 'traffic after the restart');
    const sent = await traffic.stop();

    expect(sent.filter((r) => r.status !== 200)).toEqual([]);
    // Answered (all 200, above) entirely while NATS was away: served from memory, usage held in the outbox.
    const whileDown = sent.filter((r) => r.at > stoppedAt && r.at < restartedAt);
    expect(whileDown.length).toBeGreaterThanOrEqual(25);

    // The control plane answers over NATS again and pushes its changes to both replicas: a new key (asked of
    // the ledger by each replica) on a model priced after the restart.
    expect((await relay.admin('PUT', '/models/after-m', DRILL_PRICE)).status).toBe(200);
    const fresh = (
      await relay.admin<{ key: string }>('POST', '/keys', { name: 'after', credit_usd: 1 })
    ).body;
    for (const url of relay.ingressUrls) {
      await waitFor(async () => (await chatStatus(url, fresh.key, 'after-m')) === 200, {
        what: `${url} serving a key made after the restart`,
      });
    }

    // Usage exact: every request of the drill once (sorted lists: a double would show), with a cost, and a
    // balance equal to the sum of the key's records (the warm-up requests included).
    const { rows } = await settledUsage(relay, key.id, sent.length + relay.ingressUrls.length);
    const drill = rows.filter((r) => r.request_id.startsWith('nats-'));
    expect(drill.map((r) => r.request_id).sort()).toEqual(sent.map((r) => r.requestId).sort());
    expect(drill.every((r) => r.status === 200 && r.cost_usd > 0)).toBe(true);

    console.log(
      `NATS restart drill: ${sent.length} requests (${whileDown.length} while NATS was away), none failed; every app not ready ${notReadyMs} ms after ` +
        `NATS stopped; ready again ${readyAgainMs} ms after it was back; ${drill.length} usage records, exact`,
    );
  });
});
