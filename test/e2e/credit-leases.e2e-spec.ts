// Credit that is exact across ingress replicas (issue 18): a key with credit for about 130 requests takes a
// burst of 100 concurrent ones (40 streaming) with no max_tokens → all 100 served (before: 93 refused with 402
// while 95% of the credit was left); then requests alternating replicas until 402 → every replica keeps
// answering 402, the overshoot is at most one request per replica (README, "Refusals and limits"), and the
// ledger holds exactly one record per request. Embedded with one replica, distributed with two.
import {
  DeploymentMode,
  FakeOpenAI,
  seedMetered,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';

/** The fake's tokenizer counts a quarter of the prompt's characters: 2000 characters are 500 tokens. */
const PROMPT = 'lorem '.repeat(333) + 'ip';
const PROMPT_TOKENS = 500;
const OUTPUT_TOKENS = 50;
const PRICE = { input_usd_per_mtok: 1, output_usd_per_mtok: 4 };
const COST = (PROMPT_TOKENS * 1 + OUTPUT_TOKENS * 4) / 1e6;
const CREDIT = Math.round(130 * COST * 1e10) / 1e10;

describe.each<[DeploymentMode, number]>([
  ['embedded', 1],
  ['distributed', 2],
])('credit leases (%s, %i ingress replicas)', (mode, replicas) => {
  let relay: Awaited<ReturnType<typeof startDeployment>>;
  let fake: FakeOpenAI;
  let key: string;
  let keyId: string;
  /** Status of every request made with the key. */
  const statuses: number[] = [];

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    fake.setResponder(() => ({
      text: Array.from({ length: OUTPUT_TOKENS }, (_, i) => `w${i}`).join(' '),
    }));
    relay = await startDeployment(mode, {
      label: `e2e_lease${replicas}`,
      ...(replicas > 1 ? { ingressReplicas: replicas } : {}),
    });
    ({ key, id: keyId } = await seedMetered(relay, {
      upstreamUrl: fake.url,
      channelName: 'oai',
      models: ['metered'],
      price: PRICE,
      key: { name: 'lease-key', credit_usd: CREDIT },
    }));
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
  });

  const urls = () => relay.ingressUrls;

  /** One chat request without max_tokens on replica `n`; resolves with its status once its body is read. */
  async function call(n: number, stream = false): Promise<{ status: number; body: string }> {
    const res = await fetch(`${urls()[n % urls().length]}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'metered',
        messages: [{ role: 'user', content: PROMPT }],
        ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      }),
    });
    const body = await res.text();
    statuses.push(res.status);
    return { status: res.status, body };
  }

  async function ledger(): Promise<{ rows: { status: number; cost_usd: number }[]; used: number }> {
    return waitFor(
      async () => {
        const reply = await relay.admin<{ data: { status: number; cost_usd: number }[] }>(
          'GET',
          `/usage?key_id=${keyId}&limit=1000`,
        );
        const info = await relay.admin<{ used_usd: number }>('GET', `/keys/${keyId}`);
        const rows = reply.body.data;
        const sum = rows.reduce((total, r) => total + r.cost_usd, 0);
        return rows.length === statuses.length && Math.abs(info.body.used_usd - sum) < 1e-9
          ? { rows, used: info.body.used_usd }
          : null;
      },
      {
        what: `${statuses.length} usage records and the balance`,
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
  }

  it('should serve all of 100 concurrent requests (40 streaming) of a key with credit for 130', async () => {
    // The price reaches ingress by broadcast: each replica serves one first (metered like the rest).
    for (let n = 0; n < urls().length; n++) {
      await waitFor(async () => (await call(n)).status === 200, {
        what: `the price on replica ${n}`,
      });
    }
    const burst = await Promise.all(Array.from({ length: 100 }, (_, n) => call(n, n % 5 < 2)));
    expect(burst.filter((r) => r.status !== 200).map((r) => r.body)).toEqual([]);
  });

  it('should refuse with 402 once the credit is used up, on every replica, overshooting by one request per replica at most', async () => {
    let refusal: { status: number; body: string } | null = null;
    for (let n = 0; n < 200 && !refusal; n++) {
      const res = await call(n);
      if (res.status !== 200) refusal = res;
    }
    expect(refusal?.status).toBe(402);
    expect(JSON.parse(refusal!.body)).toMatchObject({ error: { code: 'insufficient_quota' } });
    expect(refusal!.body).toContain('used up');
    // Every replica says so at once, and keeps saying it.
    for (let round = 0; round < 3; round++) {
      for (let n = 0; n < urls().length; n++) expect((await call(n)).status).toBe(402);
    }
    const { rows, used } = await ledger();
    const served = rows.filter((r) => r.status === 200).length;
    expect(served).toBe(statuses.filter((s) => s === 200).length);
    expect(rows.filter((r) => r.status === 402).every((r) => r.cost_usd === 0)).toBe(true);
    const overshoot = used - CREDIT;
    console.log(
      `[${mode}, ${replicas} replica(s)] credit for ${(CREDIT / COST).toFixed(2)} requests: ${served} served, ` +
        `overshoot ${(overshoot / COST).toFixed(2)} requests (${((overshoot / CREDIT) * 100).toFixed(2)}%)`,
    );
    expect(served).toBeGreaterThanOrEqual(130);
    expect(overshoot).toBeLessThanOrEqual(replicas * COST + 1e-9);
  });

  it('should refuse a spent daily budget with 402 naming its reset, on every replica, and show it in GET /v1/key', async () => {
    const created = await relay.admin<{ key: string; id: string }>('POST', '/keys', {
      name: 'budget-key',
      credit_usd: 1,
      budget_usd: Math.round(3 * COST * 1e10) / 1e10,
      budget_period: 'day',
    });
    expect(created.status).toBe(201);
    key = created.body.key;
    const tomorrow =
      new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) + 'T00:00:00.000Z';
    let refusal: { status: number; body: string } | null = null;
    let served = 0;
    for (let n = 0; n < 20 && !refusal; n++) {
      const res = await call(n);
      if (res.status === 200) served++;
      else refusal = res;
    }
    expect(refusal?.status).toBe(402);
    expect(refusal!.body).toContain(`daily budget of this API key`);
    expect(refusal!.body).toContain(`It resets at ${tomorrow}`);
    expect(served).toBeGreaterThanOrEqual(3);
    expect(served).toBeLessThanOrEqual(3 + replicas);
    for (let n = 0; n < urls().length; n++) expect((await call(n)).status).toBe(402);
    const info = await waitFor(
      async () => {
        const res = await fetch(`${urls()[0]}/v1/key`, {
          headers: { authorization: `Bearer ${key}` },
        });
        const body = (await res.json()) as Record<string, unknown>;
        return (body['budget_spent_usd'] as number) >= 3 * COST - 1e-9 ? body : null;
      },
      { what: 'the spent budget in GET /v1/key' },
    );
    expect(info).toMatchObject({ budget_period: 'day', budget_resets_at: tomorrow });
  });
});
