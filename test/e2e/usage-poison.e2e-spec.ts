// Nothing a client sends stops metering (issue 15, D1), end to end in both modes: requests whose model holds a
// NUL ("a\u0000b") or a lone surrogate ("\ud800"), sent with a disabled key (403) and with a good one, are
// followed by a normal request, which must be billed within seconds; the hostile requests are metered too, with
// their model normalised. And made-up model names add no series to the ledger's metrics (D4).
import {
  DeploymentMode,
  FakeOpenAI,
  seedMetered,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import { randomUUID } from 'node:crypto';

const PRICE = { input_usd_per_mtok: 1, output_usd_per_mtok: 4 };

interface UsageRow {
  request_id: string;
  model: string | null;
  status: number;
  cost_usd: number;
}

describe.each<DeploymentMode>(['embedded', 'distributed'])('hostile model names (%s)', (mode) => {
  let relay: Awaited<ReturnType<typeof startDeployment>>;
  let fake: FakeOpenAI;
  let key: string;
  let keyId: string;
  let disabledKey: string;
  let disabledKeyId: string;

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    relay = await startDeployment(mode, { label: 'e2e_poison' });
    ({ key, id: keyId } = await seedMetered(relay, {
      upstreamUrl: fake.url,
      channelName: 'oai',
      models: ['metered'],
      price: PRICE,
      key: { name: 'poison-good', credit_usd: 10 },
    }));
    const disabled = await relay.admin<{ id: string; key: string }>('POST', '/keys', {
      name: 'poison-disabled',
      credit_usd: 10,
      enabled: false,
    });
    expect(disabled.status).toBe(201);
    ({ key: disabledKey, id: disabledKeyId } = disabled.body);
    // The deployment serves the channel before the test starts.
    await waitFor(async () => (await chat(key, 'metered', `warm-${randomUUID()}`)) === 200, {
      what: 'the channel served',
      timeoutMs: 15_000,
    });
  });

  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
  });

  /** A chat completion with the raw model string (JSON.stringify escapes a lone surrogate as `\ud800`). */
  async function chat(apiKey: string, model: string, requestId: string): Promise<number> {
    const res = await fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'x-request-id': requestId,
      },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  async function usageOf(requestId: string): Promise<UsageRow | undefined> {
    const res = await relay.admin<{ data: UsageRow[] }>(
      'GET',
      `/usage?request_id=${encodeURIComponent(requestId)}`,
    );
    return res.body.data[0];
  }

  async function usedUsd(id: string): Promise<number> {
    return (await relay.admin<{ used_usd: number }>('GET', `/keys/${id}`)).body.used_usd;
  }

  it.each([
    ['a NUL', 'a\u0000b', 'a\ufffdb'],
    ['a lone surrogate', '\ud800', '\ufffd'],
  ])(
    'should bill the normal request after a model holding %s, from a disabled key and a good one',
    async (_, model, stored) => {
      const tag = randomUUID();
      const refused = await chat(disabledKey, model, `poison-disabled-${tag}`);
      const unknown = await chat(key, model, `poison-good-${tag}`);
      const usedBefore = await usedUsd(keyId);
      const normalId = `normal-${tag}`;
      expect(await chat(key, 'metered', normalId)).toBe(200);

      const billed = await waitFor(
        async () => {
          const row = await usageOf(normalId);
          return row && row.cost_usd > 0 ? row : null;
        },
        { what: 'the normal request billed', timeoutMs: 5_000, intervalMs: 100 },
      );
      await waitFor(async () => (await usedUsd(keyId)) >= usedBefore + billed.cost_usd - 1e-12, {
        what: "the normal request's cost debited",
        timeoutMs: 5_000,
        intervalMs: 100,
      });
      // A clear refusal in the caller's format, never a 500; and each is metered, its model normalised.
      expect(refused).toBe(403);
      // (A finite-credit key is refused a model without a price, 403, before routing would say 404.)
      expect([400, 403, 404]).toContain(unknown);
      for (const requestId of [`poison-disabled-${tag}`, `poison-good-${tag}`]) {
        const row = await waitFor(() => usageOf(requestId), { what: `the record of ${requestId}` });
        expect(row.model).toBe(stored);
      }
      expect(await usedUsd(disabledKeyId)).toBe(0);
    },
  );

  it("should add no series to the ledger's model metrics for made-up model names (D4)", async () => {
    const series = async () => {
      let lines = 0;
      for (const { url } of relay.metricsUrls) {
        const text = await (await fetch(`${url}/metrics`)).text();
        lines += text
          .split('\n')
          .filter((l) => /^relaymesh_ledger_(tokens|cost_usd)_total\{/.test(l)).length;
      }
      return lines;
    };
    const first = `made-up-first-${randomUUID()}`;
    await chat(key, `made-up-${randomUUID()}`, first);
    await waitFor(() => usageOf(first), { what: 'the first made-up record' });
    const before = await series();

    const ids = Array.from({ length: 30 }, () => `made-up-${randomUUID()}`);
    for (const id of ids) await chat(key, `model-${randomUUID()}`, id);
    await waitFor(() => usageOf(ids[ids.length - 1]), { what: 'the last made-up record' });

    expect(await series()).toBe(before);
  });
});
