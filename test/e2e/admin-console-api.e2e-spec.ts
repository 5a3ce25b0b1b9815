// The admin endpoints the console charts and timelines are drawn from, end to end in embedded mode, read with a
// read-only token as a read-only console would: requests sent with the openai SDK are summarised per hour by
// model (`GET /admin/usage/summary`), bad parameters are refused with a 400 naming the field, and a channel
// ejected by its failures shows the ejection in its health history (`GET /admin/channels/{id}/transitions`).
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';
import OpenAI from 'openai';

const READER = 'rm-admin-console-reader-0123456789';

interface Figures {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_p50_ms: number | null;
}
interface Summary {
  groups: (string | null)[];
  rows: (Figures & { start: string; group?: string | null })[];
  totals: Figures;
}
interface Transition {
  from: string;
  to: string;
  reason: string;
  error_class: string | null;
  cause: string | null;
  consecutive_failures: number | null;
}

describe('console data on the admin API (embedded)', () => {
  let relay: Deployment;
  let flaky: FakeOpenAI;
  let steady: FakeOpenAI;
  let flakyId: string;
  let keyId: string;
  let client: OpenAI;

  const read = async <T>(path: string) => {
    const res = await fetch(`${relay.url}/admin${path}`, {
      headers: { authorization: `Bearer ${READER}` },
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const chat = (model = 'gpt-5-mini') =>
    client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });

  beforeAll(async () => {
    [flaky, steady] = await Promise.all([FakeOpenAI.start(), FakeOpenAI.start()]);
    relay = await startDeployment('embedded', {
      label: 'console_api',
      env: {
        RELAYMESH_ADMIN_READONLY_TOKENS: READER,
        RELAYMESH_HEALTH_TICK_MS: '100',
        RELAYMESH_HEALTH_FLUSH_MS: '200',
        RELAYMESH_HEALTH_EJECTION_BASE_MS: '60000',
      },
    });
    const channel = async (name: string, url: string, weight: number) => {
      const res = await relay.admin<{ id: string }>('POST', '/channels', {
        name,
        type: 'openai',
        base_url: url,
        keys: [`sk-upstream-${name}`],
        models: ['gpt-5-mini'],
        weight,
      });
      expect(res.status).toBe(201);
      return res.body.id;
    };
    await channel('steady', steady.url, 1);
    const priced = await relay.admin('PUT', '/models/gpt-5-mini', {
      input_usd_per_mtok: 2,
      output_usd_per_mtok: 8,
    });
    expect(priced.status).toBe(200);
    const key = await relay.admin<{ id: string; key: string }>('POST', '/keys', {
      name: 'console',
    });
    keyId = key.body.id;
    client = new OpenAI({ apiKey: key.body.key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    await waitFor(() => chat().then(() => true), { what: 'gpt-5-mini routable' });
    // Weighted far above steady: nearly every request tries it first (and fails over once it fails).
    flakyId = await channel('flaky', flaky.url, 1000);
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([flaky?.close(), steady?.close()]);
  });

  it('should summarise the requests sent, per hour by model, to a read-only token', async () => {
    // One request was sent while waiting for the route; three more, and one for a model that does not exist.
    for (let i = 0; i < 3; i++) await chat();
    await expect(chat('no-such-model')).rejects.toMatchObject({ status: 404 });

    const query = `/usage/summary?group_by=model&interval=hour&key_id=${keyId}`;
    const { status, body } = await waitFor(
      async () => {
        const answer = await read<Summary>(query);
        return answer.body.totals?.requests === 5 ? answer : null;
      },
      { what: 'the five requests summarised', timeoutMs: 15_000 },
    );
    expect(status).toBe(200);
    expect(body.groups[0]).toBe('gpt-5-mini');
    const mini = body.rows.filter((row) => row.group === 'gpt-5-mini');
    expect(mini.reduce((n, row) => n + row.requests, 0)).toBe(4);
    expect(mini.every((row) => row.errors === 0 && row.latency_p50_ms !== null)).toBe(true);
    expect(body.totals.errors).toBe(1);
    expect(body.totals.input_tokens).toBeGreaterThan(0);
    const expected = (body.totals.input_tokens * 2 + body.totals.output_tokens * 8) / 1e6;
    expect(body.totals.cost_usd).toBeCloseTo(expected, 9);

    const byKey = await read<Summary>(`/usage/summary?group_by=key&interval=day`);
    expect(byKey.body.groups).toContain(keyId);
  });

  it.each([
    ['group_by=route', 'group_by'],
    ['interval=minute', 'interval'],
    ['since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z', 'until'],
    ['key_id=a%00b', 'key_id'],
    ['since=2020-01-01T00:00:00Z', 'since'],
    ['group_by=key&since=2026-01-01T00:00:00Z&until=2026-01-31T00:00:00Z&limit=100', 'limit'],
  ])('should refuse /admin/usage/summary?%s with a 400 naming %s', async (params, field) => {
    const { status, body } = await read<{
      error: { message: string; details: { path: string[] }[] };
    }>(`/usage/summary?${params}`);
    expect(status).toBe(400);
    expect(body.error.details[0].path).toEqual([field]);
  });

  it('should show an ejection in the channel health history, newest first', async () => {
    flaky.setStickyFault({ kind: 'status', status: 500 });
    const history = await waitFor(
      async () => {
        await chat().catch(() => undefined);
        const answer = await read<{ data: Transition[] }>(`/channels/${flakyId}/transitions`);
        return answer.body.data[0]?.to === 'ejected' ? answer.body.data : null;
      },
      { what: 'the flaky channel ejected in its history', timeoutMs: 30_000, intervalMs: 10 },
    );
    expect(history[0]).toMatchObject({
      to: 'ejected',
      error_class: 'server',
      cause: expect.stringMatching(/^(consecutive|failure_ratio)$/),
    });
    expect(history.at(-1)).toMatchObject({ from: 'unknown' });
    const newest = await read<{ data: Transition[] }>(`/channels/${flakyId}/transitions?limit=1`);
    expect(newest.body.data).toEqual([history[0]]);
    expect((await read(`/channels/${flakyId}/transitions?limit=0`)).status).toBe(400);
  });
});
