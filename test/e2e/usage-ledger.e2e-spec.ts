// Every token metered exactly once (issue 7), end to end with the official SDKs: a key with credit for about
// 130 requests takes a burst of 100 concurrent ones (stream and non-stream, some OpenAI streams without
// include_usage, some Anthropic-format ones translated) → exactly one record per request with the tokens the
// fake reported, costs that add up to pricing × tokens, GET /v1/key's remaining = credit − the sum; then
// requests until 402, which stays 402, with the overshoot within 5% of the credit. In both modes.
import Anthropic from '@anthropic-ai/sdk';
import {
  DeploymentMode,
  FakeOpenAI,
  seedMetered,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import OpenAI from 'openai';

/** The fake's tokenizer counts a quarter of the prompt's characters: 2000 characters are 500 tokens. */
const PROMPT = 'lorem '.repeat(333) + 'ip';
const PROMPT_TOKENS = 500;
const CACHED_TOKENS = 100;
const OUTPUT_TOKENS = 50;
const PRICE = { input_usd_per_mtok: 1, output_usd_per_mtok: 4 };
/** Defaults: a cache read costs a tenth of input. */
const COST =
  ((PROMPT_TOKENS - CACHED_TOKENS) * 1 + CACHED_TOKENS * 1 * 0.1 + OUTPUT_TOKENS * 4) / 1e6;
const CREDIT = Math.round(130 * COST * 1e10) / 1e10;

interface UsageRow {
  request_id: string;
  key_id: string;
  model: string;
  format: string;
  stream: boolean;
  status: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  referer: string | null;
  title: string | null;
}

interface KeyInfo {
  id: string;
  credit_usd: number;
  used_usd: number;
  remaining_usd: number;
}

type Kind = 'json' | 'stream-usage' | 'stream-no-usage' | 'anthropic' | 'anthropic-stream';

describe.each<DeploymentMode>(['embedded', 'distributed'])('usage ledger (%s)', (mode) => {
  let relay: Awaited<ReturnType<typeof startDeployment>>;
  let fake: FakeOpenAI;
  let key: string;
  let keyId: string;
  /** Every request made with the key, by request id, with its HTTP status. */
  const sent = new Map<string, number>();

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    fake.setResponder(() => ({
      text: Array.from({ length: OUTPUT_TOKENS }, (_, i) => `w${i}`).join(' '),
      cachedTokens: CACHED_TOKENS,
    }));
    relay = await startDeployment(mode, { label: 'e2e_ledger' });
    ({ key, id: keyId } = await seedMetered(relay, {
      upstreamUrl: fake.url,
      channelName: 'oai',
      models: ['metered'],
      price: PRICE,
      key: { name: 'metered-key', credit_usd: CREDIT },
    }));
  });

  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
  });

  const openai = () => new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
  const anthropic = () => new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });

  /** One request of the given kind; resolves with its status (402 and other refusals included). */
  async function call(kind: Kind, requestId: string): Promise<number> {
    const headers = {
      'x-request-id': requestId,
      'HTTP-Referer': 'https://e2e.example',
      'X-Title': 'ledger e2e',
    };
    const messages = [{ role: 'user' as const, content: PROMPT }];
    try {
      switch (kind) {
        case 'json': {
          const done = await openai().chat.completions.create(
            { model: 'metered', messages, max_tokens: OUTPUT_TOKENS },
            { headers },
          );
          expect(done.usage?.completion_tokens).toBe(OUTPUT_TOKENS);
          break;
        }
        case 'stream-usage':
        case 'stream-no-usage': {
          const stream = await openai().chat.completions.create(
            {
              model: 'metered',
              messages,
              max_tokens: OUTPUT_TOKENS,
              stream: true,
              ...(kind === 'stream-usage' ? { stream_options: { include_usage: true } } : {}),
            },
            { headers },
          );
          let sawUsage = false;
          for await (const chunk of stream) if (chunk.usage) sawUsage = true;
          expect(sawUsage).toBe(kind === 'stream-usage');
          break;
        }
        case 'anthropic':
          await anthropic().messages.create(
            { model: 'metered', messages, max_tokens: OUTPUT_TOKENS },
            { headers },
          );
          break;
        case 'anthropic-stream':
          for await (const _ of await anthropic().messages.create(
            { model: 'metered', messages, max_tokens: OUTPUT_TOKENS, stream: true },
            { headers },
          )) {
            // drained
          }
          break;
      }
      sent.set(requestId, 200);
      return 200;
    } catch (err) {
      const status = (err as { status?: number }).status ?? 0;
      sent.set(requestId, status);
      return status;
    }
  }

  async function records(): Promise<UsageRow[]> {
    const reply = await relay.admin<{ data: UsageRow[] }>(
      'GET',
      `/usage?key_id=${keyId}&limit=1000`,
    );
    expect(reply.status).toBe(200);
    return reply.body.data;
  }

  async function keyInfo(): Promise<KeyInfo> {
    const res = await fetch(`${relay.url}/v1/key`, { headers: { 'x-api-key': key } });
    expect(res.status).toBe(200);
    return (await res.json()) as KeyInfo;
  }

  /** Once the ledger has every request's record and the key's balance reflects them all. */
  async function settled(): Promise<{ rows: UsageRow[]; info: KeyInfo; sum: number }> {
    return waitFor(
      async () => {
        const rows = await records();
        if (rows.length !== sent.size) return null;
        const sum = rows.reduce((total, r) => total + r.cost_usd, 0);
        const info = await keyInfo();
        return Math.abs(info.used_usd - sum) < 1e-9 ? { rows, info, sum } : null;
      },
      { what: `${sent.size} usage records and the balance`, timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  it('should meter a burst of 100 concurrent requests exactly once each, at pricing × tokens', async () => {
    // The price reaches ingress by broadcast: wait until a request is admitted (it is metered like the rest).
    await waitFor(async () => (await call('json', `warm-up-${Date.now()}`)) === 200, {
      what: 'the price known at ingress',
    });
    const kinds: Kind[] = [
      'json',
      'stream-usage',
      'stream-no-usage',
      'anthropic',
      'anthropic-stream',
    ];

    const statuses = await Promise.all(
      Array.from({ length: 100 }, (_, n) => call(kinds[n % kinds.length], `burst-${mode}-${n}`)),
    );

    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const { rows, info, sum } = await settled();
    expect(rows.map((r) => r.request_id).sort()).toEqual([...sent.keys()].sort());
    for (const row of rows) {
      expect(row).toMatchObject({
        key_id: keyId,
        model: 'metered',
        status: 200,
        input_tokens: PROMPT_TOKENS,
        output_tokens: OUTPUT_TOKENS,
        cache_read_tokens: CACHED_TOKENS,
        cache_write_tokens: 0,
        referer: 'https://e2e.example',
        title: 'ledger e2e',
      });
      expect(row.cost_usd).toBeCloseTo(COST, 10);
    }
    expect(rows.filter((r) => r.format === 'anthropic')).toHaveLength(40);
    expect(rows.filter((r) => r.stream)).toHaveLength(60);
    expect(sum).toBeCloseTo(rows.length * COST, 9);
    expect(info.credit_usd).toBeCloseTo(CREDIT, 10);
    expect(info.remaining_usd).toBeCloseTo(CREDIT - sum, 9);
  });

  it('should refuse with 402 once the credit is used up, stay refused, and overshoot by at most 5%', async () => {
    // Waves of 10 concurrent requests until one is refused; a refusal while estimates of requests in flight
    // hold the last of the credit is followed by admissions again once they settle below their estimates, so
    // the waves go on until the ledger's balance itself is used up and a request after it is refused.
    let wave = 0;
    let exhausted = false;
    while (!exhausted && wave < 30) {
      const statuses = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          call(n % 2 ? 'json' : 'stream-no-usage', `tail-${mode}-${wave}-${n}`),
        ),
      );
      wave++;
      if (statuses.includes(402)) {
        await settled();
        exhausted = (await call('json', `probe-${mode}-${wave}`)) === 402;
      }
    }
    expect(exhausted).toBe(true);

    // Still 402, in each caller's own envelope.
    const openaiRefusal = await fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'metered', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(openaiRefusal.status).toBe(402);
    expect(await openaiRefusal.json()).toMatchObject({
      error: { type: 'insufficient_quota', code: 'insufficient_quota' },
    });
    sent.set(openaiRefusal.headers.get('x-request-id')!, 402);
    expect(await call('anthropic', `after-${mode}-anthropic`)).toBe(402);
    const { info, rows } = await settled();
    expect(await call('json', `after-${mode}-settled`)).toBe(402);

    const overshoot = Math.max(0, info.used_usd - CREDIT) / CREDIT;
    const served = rows.filter((r) => r.status === 200).length;
    console.log(
      `[${mode}] credit ${CREDIT.toFixed(6)} USD, used ${info.used_usd.toFixed(6)} USD by ${served} requests ` +
        `(${sent.size} made): overshoot ${(overshoot * 100).toFixed(2)}%`,
    );
    expect(overshoot).toBeLessThanOrEqual(0.05);
    expect(rows.filter((r) => r.status === 402).every((r) => r.cost_usd === 0)).toBe(true);
  });
});
