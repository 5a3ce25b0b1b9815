// `npm run soak`: a bounded steady-rate run that shows whether relaymesh leaks. Starts a fake OpenAI upstream
// (libs/testing) and relaymesh as users run it (embedded by default, --mode=distributed for the four processes
// on the real NATS and Postgres), then for --minutes starts --rate requests a second whatever their latency
// (an open loop): OpenAI chat streamed and not, Anthropic messages translated to the OpenAI channel, and one in
// twenty streams left by the client mid-way. Every --sample seconds it reads each relaymesh process's resident
// memory and open file descriptors from /proc, and its V8 heap and active handles from its /metrics. At the
// end it prints the samples and, for memory, the slope of a least-squares line after the warm-up and a
// verdict: flat, or growing. Handles and descriptors rise and fall with the requests in flight, so they are
// judged at rest instead: counted idle before the load and again once it has stopped and connections have
// closed, they must come back. Not part of CI (it takes minutes); its figures are in the README's operations
// section. Exits 1 when something grows or requests failed.
import { FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';
import type { Deployment, RelaymeshProcess } from '@relaymesh/testing';
import { readdirSync } from 'node:fs';
import { sumCounter } from '../bench/gateway/metrics-text';
import { memoryKb } from '../bench/gateway/proc-stat';
import { formatTable } from '../bench/gateway/report';
import { summarize } from '../bench/gateway/stats';
import { SOAK_USAGE, SoakOptions, parseSoakArgs } from './soak/options';
import { Sample, Tolerance, Trend, trendOf, windowFloors } from './soak/trend';

const MODEL = 'soak-m';
const ANSWER = Array.from({ length: 60 }, (_, i) => `token${i}`).join(' ');
/** Requests in flight past which a tick starts nothing (a stalled gateway must not grow the soak itself). */
const MAX_IN_FLIGHT = 500;

const log = (line: string) => process.stderr.write(`soak: ${line}\n`);

interface ProcessSample {
  t: number;
  requests: number;
  failed: number;
  rssMb: number;
  heapMb: number;
  handles: number;
  fds: number;
}

/** What is "flat": growth over the measured window below the larger of the two. */
const TOLERANCES: Record<'rssMb' | 'heapMb', Tolerance> = {
  rssMb: { absolute: 10, relative: 0.05 },
  heapMb: { absolute: 5, relative: 0.1 },
};
/** Descriptors and handles at rest may differ by this much (a pooled connection more or less). */
const AT_REST_SLACK = 5;
/** How long connections get to close after the load (keep-alive timeouts of the client and upstream pools). */
const SETTLE_MS = 60_000;

class Load {
  started = 0;
  ok = 0;
  failed = 0;
  left = 0;
  inFlight = 0;
  skipped = 0;
  readonly latenciesMs: number[] = [];
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly urls: readonly string[],
    private readonly key: string,
  ) {}

  /** Starts request number `this.started`, in the mix described at the top. */
  fire(): void {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.skipped += 1;
      return;
    }
    const n = this.started++;
    const url = this.urls[n % this.urls.length];
    this.inFlight += 1;
    const began = performance.now();
    const run =
      n % 20 === 0
        ? this.leaveMidStream(url)
        : n % 10 === 5
          ? this.anthropic(url)
          : this.openai(url, n % 2 === 0);
    run
      .then((outcome) => {
        if (outcome === 'ok') {
          this.ok += 1;
          this.latenciesMs.push(performance.now() - began);
        } else if (outcome === 'left') {
          this.left += 1;
        } else {
          this.failed += 1;
          this.failures.set(outcome, (this.failures.get(outcome) ?? 0) + 1);
        }
      })
      .catch((err: unknown) => {
        this.failed += 1;
        const reason = (err as Error).message;
        this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
      })
      .finally(() => (this.inFlight -= 1));
  }

  failureSummary(): string {
    return [...this.failures].map(([reason, count]) => `${count}× ${reason}`).join('; ');
  }

  private async openai(url: string, stream: boolean): Promise<string> {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL,
        stream,
        max_tokens: 128,
        messages: [{ role: 'user', content: 'soak question' }],
      }),
    });
    const text = await res.text();
    if (res.status !== 200) return `openai ${res.status}`;
    return !stream || text.trimEnd().endsWith('data: [DONE]') ? 'ok' : 'openai stream cut';
  }

  private async anthropic(url: string): Promise<string> {
    const res = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': this.key,
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: MODEL,
        stream: true,
        max_tokens: 128,
        messages: [{ role: 'user', content: 'soak question' }],
      }),
    });
    const text = await res.text();
    if (res.status !== 200) return `anthropic ${res.status}`;
    return text.includes('event: message_stop') ? 'ok' : 'anthropic stream cut';
  }

  /** A client that leaves after the first piece of the answer (the upstream call must be cancelled). */
  private async leaveMidStream(url: string): Promise<string> {
    const controller = new AbortController();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL,
        stream: true,
        messages: [{ role: 'user', content: 'soak question, left mid-way' }],
      }),
      signal: controller.signal,
    });
    if (res.status !== 200) return `left-stream ${res.status}`;
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => undefined);
    return 'left';
  }
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

interface Watched {
  name: string;
  pid: number;
  /** Its /metrics, for the V8 heap and handles. */
  metricsUrl: string;
}

/** relaymesh's processes (embedded mode: the one process, its Postgres included). */
function watchedProcesses(relay: Deployment): Watched[] {
  return relay.processes().map((proc: RelaymeshProcess): Watched => ({
    ...proc,
    metricsUrl:
      relay.mode === 'embedded'
        ? `${relay.url}/metrics`
        : `${relay.appUrl(proc.name as Parameters<Deployment['appUrl']>[0])}/metrics`,
  }));
}

async function sample(
  watched: readonly Watched[],
  load: Load,
  t: number,
): Promise<Map<string, ProcessSample>> {
  const out = new Map<string, ProcessSample>();
  for (const proc of watched) {
    const metrics = await (await fetch(proc.metricsUrl)).text();
    out.set(proc.name, {
      t,
      requests: load.started,
      failed: load.failed,
      rssMb: memoryKb(proc.pid).rss / 1024,
      heapMb: sumCounter(metrics, 'nodejs_heap_size_used_bytes') / 2 ** 20,
      handles: sumCounter(metrics, 'nodejs_active_handles'),
      fds: openFds(proc.pid),
    });
  }
  return out;
}

/** Descriptors and handles of each process, at rest. */
type AtRest = Map<string, { fds: number; handles: number }>;

async function atRest(watched: readonly Watched[], load: Load): Promise<AtRest> {
  const taken = await sample(watched, load, 0);
  return new Map([...taken].map(([name, s]) => [name, { fds: s.fds, handles: s.handles }]));
}

/** Whether every process is back within the slack of its count before the load. */
function backToRest(before: AtRest, now: AtRest): boolean {
  return [...before].every(([name, was]) => {
    const is = now.get(name);
    if (!is) return false;
    return is.fds <= was.fds + AT_REST_SLACK && is.handles <= was.handles + AT_REST_SLACK;
  });
}

function verdictLines(
  name: string,
  samples: readonly ProcessSample[],
  options: SoakOptions,
): { lines: string[][]; growing: boolean } {
  const lines: string[][] = [];
  let growing = false;
  // The heap is judged by its floor per window: a minute, or a third of a short run (two samples at least).
  const window = Math.max(options.sampleSeconds * 2, Math.min(60, (options.minutes * 60) / 3));
  for (const metric of ['rssMb', 'heapMb'] as const) {
    const series: Sample[] = samples.map((s) => ({ t: s.t, value: s[metric] }));
    const judged = metric === 'heapMb' ? windowFloors(series, window) : series;
    const trend: Trend = trendOf(judged, options.warmupSeconds, TOLERANCES[metric]);
    if (trend.verdict === 'growing') growing = true;
    lines.push([
      name,
      metric,
      series[0].value.toFixed(1),
      Math.min(...series.map((s) => s.value)).toFixed(1),
      Math.max(...series.map((s) => s.value)).toFixed(1),
      series[series.length - 1].value.toFixed(1),
      trend.perMinute.toFixed(3),
      trend.growth.toFixed(2),
      trend.allowed.toFixed(2),
      trend.verdict,
    ]);
  }
  return { lines, growing };
}

async function provision(relay: Deployment, upstream: FakeOpenAI): Promise<string> {
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await relay.admin(method, path, body);
    if (res.status >= 300) throw new Error(`${method} /admin${path}: ${res.status}`);
    return res.body;
  };
  await ok('POST', '/channels', {
    name: 'soak-openai',
    type: 'openai',
    base_url: upstream.url,
    keys: ['sk-soak'],
    models: [MODEL],
  });
  await ok('PUT', `/models/${MODEL}`, { input_usd_per_mtok: 1, output_usd_per_mtok: 4 });
  // Finite credit: the credit guard, its reservations and the ledger's key.changed all take part.
  const key = (await ok('POST', '/keys', { name: 'soak', credit_usd: 1_000_000 })).key as string;
  for (const url of relay.ingressUrls) {
    await waitFor(
      async () => {
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
        });
        await res.text();
        return res.status === 200;
      },
      { what: `${MODEL} served by ${url}`, timeoutMs: 30_000, intervalMs: 100 },
    );
  }
  return key;
}

async function run(options: SoakOptions): Promise<number> {
  const upstream = await FakeOpenAI.start();
  upstream.setResponder(() => ({ text: ANSWER }));
  upstream.setStreamChunkDelayMs(5);
  log(`starting relaymesh (${options.mode})`);
  const relay = await startDeployment(options.mode, { label: 'soak', env: { LOG_LEVEL: 'warn' } });
  try {
    const key = await provision(relay, upstream);
    const load = new Load(relay.ingressUrls, key);
    const watched = watchedProcesses(relay);
    log(`watching ${watched.map((w) => `${w.name} (pid ${w.pid})`).join(', ')}`);
    // At rest before the load: the provisioning's connections closed.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const restBefore = await atRest(watched, load);
    const samples = new Map<string, ProcessSample[]>();
    const record = (taken: Map<string, ProcessSample>) => {
      for (const [name, s] of taken) samples.set(name, [...(samples.get(name) ?? []), s]);
    };
    const durationMs = options.minutes * 60_000;
    log(
      `${options.minutes} min at ${options.rate} req/s, a sample every ${options.sampleSeconds} s ` +
        `(the first ${options.warmupSeconds} s left out of the verdict)`,
    );
    const startedAt = performance.now();
    const elapsed = () => Math.round((performance.now() - startedAt) / 100) / 10;
    record(await sample(watched, load, 0));
    // Open loop: each tick starts as many requests as the rate says should have started by now.
    const ticker = setInterval(() => {
      const due = Math.floor(((performance.now() - startedAt) / 1000) * options.rate);
      while (load.started + load.skipped < due) load.fire();
    }, 5);
    let nextSample = options.sampleSeconds;
    while (performance.now() - startedAt < durationMs) {
      const wait = startedAt + nextSample * 1000 - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
      // The time the sample was taken, not the one it was due at (a busy machine delays timers).
      const t = elapsed();
      const taken = await sample(watched, load, t);
      record(taken);
      const ingress = taken.get(relay.mode === 'embedded' ? 'embedded' : 'ingress')!;
      log(
        `t=${t}s requests=${load.started} ok=${load.ok} left=${load.left} failed=${load.failed} ` +
          `in-flight=${load.inFlight} rss=${ingress.rssMb.toFixed(1)}MB heap=${ingress.heapMb.toFixed(1)}MB ` +
          `handles=${ingress.handles} fds=${ingress.fds}`,
      );
      // The fake records every request; the soak must not grow itself.
      upstream.requests.length = 0;
      nextSample += options.sampleSeconds;
    }
    clearInterval(ticker);
    await waitFor(() => load.inFlight === 0, { what: 'the last requests', timeoutMs: 60_000 });
    const loadEndedAt = performance.now();
    let restAfter = await atRest(watched, load);
    while (!backToRest(restBefore, restAfter) && performance.now() - loadEndedAt < SETTLE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      restAfter = await atRest(watched, load);
    }
    const settledInS = ((performance.now() - loadEndedAt) / 1000).toFixed(1);
    const rested = backToRest(restBefore, restAfter);

    const header = ['t (s)', 'requests', 'failed', 'rss MB', 'heap MB', 'handles', 'fds'];
    for (const [name, series] of samples) {
      console.log(`\n${name}`);
      console.log(
        formatTable(
          header,
          series.map((s) => [
            String(s.t),
            String(s.requests),
            String(s.failed),
            s.rssMb.toFixed(1),
            s.heapMb.toFixed(1),
            String(s.handles),
            String(s.fds),
          ]),
        ),
      );
    }
    const verdicts = [...samples].map(([name, series]) => verdictLines(name, series, options));
    console.log(
      '\ntrend after the warm-up (least-squares slope; the heap by its floor per window; ' +
        '"allowed": growth still called flat)',
    );
    console.log(
      formatTable(
        [
          'process',
          'series',
          'first',
          'min',
          'max',
          'last',
          'per min',
          'growth',
          'allowed',
          'verdict',
        ],
        verdicts.flatMap((v) => v.lines),
      ),
    );
    console.log(
      `\nat rest, before the load and ${settledInS} s after it (must come back within ${AT_REST_SLACK})`,
    );
    console.log(
      formatTable(
        ['process', 'fds before', 'fds after', 'handles before', 'handles after'],
        [...restBefore].map(([name, was]) => {
          const is = restAfter.get(name);
          const cell = (n: number | undefined) => (n === undefined ? '-' : String(n));
          return [name, cell(was.fds), cell(is?.fds), cell(was.handles), cell(is?.handles)];
        }),
      ),
    );
    const latency = summarize([...load.latenciesMs].sort((a, b) => a - b));
    const growing = verdicts.some((v) => v.growing) || !rested;
    console.log(
      `\n${load.started} requests in ${options.minutes} min (${load.ok} answered, ${load.left} left mid-stream ` +
        `by the client, ${load.failed} failed${load.failed ? `: ${load.failureSummary()}` : ''}, ` +
        `${load.skipped} not started: ${MAX_IN_FLIGHT} in flight); latency of the answered: ` +
        `p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
    );
    console.log(
      `verdict: ${growing ? 'GROWING' : 'flat'} (memory ${verdicts.some((v) => v.growing) ? 'grows' : 'flat'}; ` +
        `descriptors and handles ${rested ? 'back to rest' : 'NOT back to rest'})`,
    );
    return growing || load.failed > 0 ? 1 : 0;
  } finally {
    await relay.stop();
    await upstream.close();
  }
}

async function main(): Promise<void> {
  let options: SoakOptions;
  try {
    options = parseSoakArgs(process.argv.slice(2));
  } catch (err) {
    log((err as Error).message);
    process.exit(2);
  }
  if (options.help) {
    console.log(SOAK_USAGE);
    return;
  }
  process.exitCode = await run(options);
}

void main().catch((err: unknown) => {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
