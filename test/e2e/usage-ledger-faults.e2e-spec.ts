// Fault drills of the usage ledger, in the four-process mode on a NATS server of this test's own (the shared
// one is never restarted): the ledger is killed mid-run and started again, then NATS is restarted while traffic
// flows. Every request made must end as exactly one usage record, and the key's balance must be the sum of
// their costs: nothing lost, nothing doubled.
import {
  Deployment,
  FakeOpenAI,
  PrivateNats,
  freePort,
  startDeployment,
  waitFor,
  seedMetered,
} from '@relaymesh/testing';

function metricSum(text: string, series: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(series))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

const PRICE = { input_usd_per_mtok: 3, output_usd_per_mtok: 15 };

interface UsageRow {
  request_id: string;
  cost_usd: number;
  status: number;
}

describe('usage ledger fault drills (distributed, private NATS)', () => {
  let nats: PrivateNats;
  let relay: Deployment;
  let fake: FakeOpenAI;
  let key: string;
  let keyId: string;
  const sent = new Map<string, number>();
  let counter = 0;

  beforeAll(async () => {
    nats = new PrivateNats(await freePort());
    await nats.start();
    fake = await FakeOpenAI.start();
    relay = await startDeployment('distributed', { label: 'e2e_ledger_faults', natsUrl: nats.url });
    ({ key, id: keyId } = await seedMetered(relay, {
      upstreamUrl: fake.url,
      channelName: 'oai',
      models: ['drill'],
      price: PRICE,
      key: { name: 'drill-key', credit_usd: 1000 },
    }));
    await waitFor(async () => (await request()) === 200, { what: 'a first admitted request' });
  });

  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
    await nats?.dispose();
  });

  async function request(): Promise<number> {
    const id = `drill-${++counter}`;
    const res = await fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'x-request-id': id,
      },
      body: JSON.stringify({
        model: 'drill',
        messages: [{ role: 'user', content: `question number ${counter}` }],
        stream: counter % 2 === 0,
        max_tokens: 64,
      }),
    });
    await res.text();
    sent.set(id, res.status);
    return res.status;
  }

  /** `total` requests, `concurrency` at a time; resolves with their statuses. */
  async function traffic(total: number, concurrency: number): Promise<number[]> {
    const statuses: number[] = [];
    let left = total;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left > 0) {
          left--;
          statuses.push(await request());
        }
      }),
    );
    return statuses;
  }

  async function exactlyOnce(): Promise<void> {
    const { rows, used } = await waitFor(
      async () => {
        const reply = await relay.admin<{ data: UsageRow[] }>(
          'GET',
          `/usage?key_id=${keyId}&limit=1000`,
        );
        if (reply.status !== 200 || reply.body.data.length < sent.size) return null;
        const keyReply = await relay.admin<{ used_usd: number }>('GET', `/keys/${keyId}`);
        return { rows: reply.body.data, used: keyReply.body.used_usd };
      },
      { what: `${sent.size} usage records`, timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(rows.map((r) => r.request_id).sort()).toEqual([...sent.keys()].sort());
    const sum = rows.reduce((total, r) => total + r.cost_usd, 0);
    await waitFor(
      async () => {
        const keyReply = await relay.admin<{ used_usd: number }>('GET', `/keys/${keyId}`);
        return Math.abs(keyReply.body.used_usd - sum) < 1e-9;
      },
      { what: `used_usd = ${sum} (was ${used})`, timeoutMs: 15_000 },
    );
    expect(rows.every((r) => r.status === 200 && r.cost_usd > 0)).toBe(true);
  }

  it('should lose and double nothing when the ledger is killed mid-run and started again', async () => {
    const running = traffic(150, 5);
    await waitFor(() => sent.size >= 50, { what: '50 requests made' });
    await relay.stopApp('usage-ledger', 'SIGKILL');
    await waitFor(() => sent.size >= 100, { what: '100 requests made' });
    await relay.startApp('usage-ledger');
    const statuses = await running;

    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await exactlyOnce();
  });

  it('should lose and double nothing when NATS restarts while traffic flows', async () => {
    const before = sent.size;
    const running = traffic(200, 5);
    await waitFor(() => sent.size >= before + 50, { what: '50 more requests made' });
    await nats.stop();
    await waitFor(() => sent.size >= before + 100, { what: 'requests served while NATS is down' });
    await nats.start();
    const statuses = await running;

    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await exactlyOnce();
    // The records made while NATS was away went through ingress's outbox: publishes failed, then succeeded.
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(
      metricSum(metrics, 'relaymesh_ingress_usage_publishes_total{result="failed"}'),
    ).toBeGreaterThan(0);
    expect(metricSum(metrics, 'relaymesh_ingress_usage_outbox_records')).toBe(0);
  });
});
