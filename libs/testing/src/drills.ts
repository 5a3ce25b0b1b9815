// What the fault drills share: steady client traffic that keeps flowing while a test breaks something (every
// request remembered with its status, so "no 5xx" and "usage exact" can be checked afterwards), the /readyz of
// every app, and the ledger's view of one key's usage.
import type { AppName, Deployment } from './relaymesh-launcher';
import { waitFor } from './infra';

export interface SentRequest {
  /** The x-request-id the client chose. */
  requestId: string;
  /** 0 when the request failed without an HTTP answer (connection refused or reset). */
  status: number;
  stream: boolean;
  /** Epoch milliseconds at which the answer was fully read. */
  at: number;
}

export interface TrafficOptions {
  /** Ingress URLs, used in turn. */
  urls: readonly string[];
  key: string;
  model: string;
  /** Requests in flight at once (default 2). */
  concurrency?: number;
  /** Each loop's pause between two requests (default 50 ms): a steady rate, not a flood (usage is listed in
   * one page of 1,000 records, and other suites share the machine). */
  pauseMs?: number;
  /** Prefix of the x-request-ids (default `drill`). */
  label?: string;
}

/**
 * Closed-loop OpenAI chat traffic, half streamed, until stop(). Every request is awaited to its last byte, so a
 * stream cut mid-way shows as status 0 rather than passing as a 200.
 */
export class SteadyTraffic {
  readonly sent: SentRequest[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private counter = 0;

  constructor(private readonly options: TrafficOptions) {}

  start(): this {
    this.running = true;
    const pauseMs = this.options.pauseMs ?? 50;
    this.loops = Array.from({ length: this.options.concurrency ?? 2 }, async () => {
      while (this.running) {
        this.sent.push(await this.one());
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    });
    return this;
  }

  async stop(): Promise<SentRequest[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.sent;
  }

  /** Resolves once `count` more requests than now have been answered. */
  async more(count: number, what: string, timeoutMs = 30_000): Promise<void> {
    const target = this.sent.length + count;
    await waitFor(() => this.sent.length >= target, { what, timeoutMs, intervalMs: 20 });
  }

  private async one(): Promise<SentRequest> {
    const n = ++this.counter;
    const { urls, key, model, label = 'drill' } = this.options;
    const requestId = `${label}-${n}`;
    const stream = n % 2 === 0;
    try {
      const res = await fetch(`${urls[n % urls.length]}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'x-request-id': requestId,
        },
        body: JSON.stringify({
          model,
          stream,
          max_tokens: 64,
          messages: [{ role: 'user', content: `drill question number ${n}` }],
        }),
      });
      const text = await res.text();
      // A stream that ended with an error event is no success, whatever its status line said.
      const status = stream && res.status === 200 && !text.includes('[DONE]') ? 0 : res.status;
      return { requestId, status, stream, at: Date.now() };
    } catch {
      return { requestId, status: 0, stream, at: Date.now() };
    }
  }
}

/** A price for the drills' models (credit is spent, so every record must carry a cost). */
export const DRILL_PRICE = { input_usd_per_mtok: 3, output_usd_per_mtok: 15 };

/** One OpenAI chat request to an ingress replica; resolves with its status. */
export async function chatStatus(url: string, apiKey: string, model: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });
  await res.text();
  return res.status;
}

export interface MeteredSetup {
  /** The OpenAI-format upstream the channel points at. */
  upstreamUrl: string;
  /** The channel's models; the first is priced. */
  models: string[];
  price: { input_usd_per_mtok: number; output_usd_per_mtok: number };
  /** The key's fields (`name` and `credit_usd` at least). */
  key: Record<string, unknown> & { name: string };
  channelName?: string;
}

/**
 * What a metered test needs: one OpenAI channel for `models`, the first model priced, and a key; throws with
 * the admin API's answer when any is refused. Answers the key as created (shown once).
 */
export async function seedMetered(
  relay: Deployment,
  setup: MeteredSetup,
): Promise<{ id: string; key: string }> {
  const channel = await relay.admin('POST', '/channels', {
    name: setup.channelName ?? 'up',
    type: 'openai',
    base_url: setup.upstreamUrl,
    keys: ['sk-up'],
    models: setup.models,
  });
  if (channel.status !== 201) throw new Error(`channel refused: ${JSON.stringify(channel.body)}`);
  const priced = await relay.admin('PUT', `/models/${setup.models[0]}`, setup.price);
  if (priced.status !== 200) throw new Error(`price refused: ${JSON.stringify(priced.body)}`);
  const created = await relay.admin<{ id: string; key: string }>('POST', '/keys', setup.key);
  if (created.status !== 201) throw new Error(`key refused: ${JSON.stringify(created.body)}`);
  return created.body;
}

/**
 * What a drill needs before its fault: seedMetered() with the drill price and $100 of credit, and every
 * ingress replica having served it once (the model routed, the key cached: what a replica needs to keep
 * serving while a dependency is away).
 */
export async function prepareDrill(
  relay: Deployment,
  upstreamUrl: string,
  models: string[],
  keyName: string,
): Promise<{ id: string; key: string }> {
  const key = await seedMetered(relay, {
    upstreamUrl,
    models,
    price: DRILL_PRICE,
    key: { name: keyName, credit_usd: 100 },
  });
  for (const url of relay.ingressUrls) {
    await waitFor(async () => (await chatStatus(url, key.key, models[0])) === 200, {
      what: `${url} serving ${models[0]}`,
    });
  }
  return key;
}

export const ALL_APPS: readonly AppName[] = ['ingress', 'router', 'health-prober', 'usage-ledger'];

/** The HTTP status of an app's /readyz (0 when it does not answer at all). */
/** `/readyz` of one app (0 when it does not answer); `serving` asks the scope ingress's k8s probe uses. */
export async function readyzStatus(url: string, scope: 'all' | 'serving' = 'all'): Promise<number> {
  try {
    const res = await fetch(`${url}/readyz${scope === 'serving' ? '?scope=serving' : ''}`, {
      signal: AbortSignal.timeout(5_000),
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/** Waits until every listed URL's /readyz answers `status`; resolves with the milliseconds it took. */
export async function waitForReadyz(
  urls: readonly string[],
  status: 200 | 503,
  what: string,
  timeoutMs = 30_000,
): Promise<number> {
  const started = Date.now();
  await waitFor(
    async () =>
      (await Promise.all(urls.map((url) => readyzStatus(url)))).every((s) => s === status),
    { what, timeoutMs, intervalMs: 50 },
  );
  return Date.now() - started;
}

export interface UsageRow {
  id: string;
  request_id: string;
  cost_usd: number;
  status: number;
  input_tokens: number;
  output_tokens: number;
  late_error: string | null;
}

/**
 * Waits until the ledger holds at least `expected` usage records of the key and its balance equals the sum of
 * their costs (the debit follows the insert in the same transaction, the key read may lag a moment), then
 * returns both for the test to compare.
 */
export async function settledUsage(
  relay: Deployment,
  keyId: string,
  expected: number,
  timeoutMs = 60_000,
): Promise<{ rows: UsageRow[]; usedUsd: number }> {
  if (expected > 1000) {
    throw new Error(`settledUsage reads one page of 1,000 records, not ${expected}`);
  }
  return waitFor(
    async () => {
      const usage = await relay.admin<{ data: UsageRow[] }>(
        'GET',
        `/usage?key_id=${keyId}&limit=1000`,
      );
      if (usage.status !== 200 || usage.body.data.length < expected) return null;
      const key = await relay.admin<{ used_usd: number }>('GET', `/keys/${keyId}`);
      const sum = usage.body.data.reduce((total, row) => total + row.cost_usd, 0);
      if (key.status !== 200 || Math.abs(key.body.used_usd - sum) > 1e-9) return null;
      return { rows: usage.body.data, usedUsd: key.body.used_usd };
    },
    {
      what: `${expected} usage records and a balance that matches them`,
      timeoutMs,
      intervalMs: 250,
    },
  );
}
