// Ingress with two node:cluster workers on one port (RELAYMESH_INGRESS_WORKERS=2, distributed mode): the
// connections are spread over both, a small rpm limit holds exactly across them, /metrics counts what both did
// whichever worker takes the scrape, and every request served is one usage record.
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

const MODEL = 'gpt-public';

/** One chat request on a connection of its own (no keep-alive), so the cluster picks a worker for each. */
function ask(url: string, key: string): Promise<number> {
  const body = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/chat/completions`,
      {
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          connection: 'close',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** User + system CPU ticks of a process (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The sum of relaymesh_ingress_requests_total over every label set with code 200. */
async function servedCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
  let total = 0;
  for (const match of text.matchAll(/^relaymesh_ingress_requests_total\{([^}]*)\} (\d+)/gm)) {
    if (match[1].includes('code="200"')) total += Number(match[2]);
  }
  return total;
}

describe('ingress with two cluster workers on one port (distributed)', () => {
  let relay: Deployment;
  let openai: FakeOpenAI;
  let url: string;
  let keysMade = 0;

  const makeKey = async (fields: Record<string, unknown>) => {
    const res = await relay.admin<{ key: string; id: string }>('POST', '/keys', {
      name: `workers-${++keysMade}`,
      ...fields,
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const workers = () => relay.processes().filter((p) => p.name.startsWith('ingress/worker-'));

  beforeAll(async () => {
    openai = await FakeOpenAI.start();
    relay = await startDeployment('distributed', {
      label: 'workers',
      env: { RELAYMESH_INGRESS_WORKERS: '2' },
    });
    url = relay.ingressUrls[0];
    const channel = {
      name: 'oai',
      type: 'openai',
      base_url: openai.url,
      keys: ['sk-up'],
      model_mapping: { [MODEL]: 'gpt-upstream' },
    };
    expect((await relay.admin('POST', '/channels', channel)).status).toBe(201);
    const probe = await makeKey({});
    // Both workers must have the snapshot: 20 answers in a row, on connections spread over both.
    await waitFor(
      async () => {
        const statuses = await Promise.all(Array.from({ length: 20 }, () => ask(url, probe.key)));
        return statuses.every((s) => s === 200);
      },
      { what: 'the model routable on both workers', timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
    await openai?.close();
  });

  it('runs two workers and spreads connections over both', async () => {
    const pids = workers().map((w) => w.pid);
    expect(pids).toHaveLength(2);
    const { key } = await makeKey({});
    const before = pids.map(cpuTicks);
    for (let round = 0; round < 10; round++) {
      const statuses = await Promise.all(Array.from({ length: 30 }, () => ask(url, key)));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    }
    const used = pids.map((pid, i) => cpuTicks(pid) - before[i]);
    const total = used[0] + used[1];
    console.log(`CPU ticks of the two workers over 300 requests: ${used.join(' and ')}`);
    // Round-robin hands the primary's accepted connections out in turn: each worker did a real share.
    expect(Math.min(...used)).toBeGreaterThan(total * 0.2);
  });

  it('holds rpm 5 exactly across the workers', async () => {
    const { key } = await makeKey({ rpm: 5 });
    const statuses = await Promise.all(Array.from({ length: 12 }, () => ask(url, key)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('counts both workers in /metrics, whichever worker takes the scrape', async () => {
    const { key } = await makeKey({});
    const before = await servedCount(url);
    const statuses = await Promise.all(Array.from({ length: 40 }, () => ask(url, key)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Several scrapes, on connections of their own: each reaches either worker, each sees all 40.
    for (let scrape = 0; scrape < 4; scrape++) {
      expect((await servedCount(url)) - before).toBe(40);
    }
  });

  it('records one usage record per request served', async () => {
    const { key, id } = await makeKey({});
    const statuses = await Promise.all(Array.from({ length: 60 }, () => ask(url, key)));
    const served = statuses.filter((s) => s === 200).length;
    expect(served).toBe(60);
    await waitFor(
      async () => {
        const reply = await relay.admin<{ data: unknown[] }>(
          'GET',
          `/usage?key_id=${id}&limit=1000`,
        );
        return reply.body.data.length === served;
      },
      { what: `${served} usage records`, timeoutMs: 30_000, intervalMs: 200 },
    );
  });
});
