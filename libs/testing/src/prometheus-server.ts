// A real Prometheus server for tests (Debian's `prometheus` package, /usr/bin/prometheus): a temporary config
// and TSDB, a free loopback port, a short scrape interval, optional rule files. It scrapes the targets it is
// given and answers PromQL through its HTTP API, as the one behind Grafana would.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './infra';

export interface ScrapeJob {
  /** Prometheus's `job` label, e.g. `relaymesh-ingress` (the Kubernetes Service name). */
  job: string;
  /** Base URLs; /metrics is scraped on each. */
  urls: string[];
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export type PromQueryResult = { ok: true; samples: PromSample[] } | { ok: false; error: string };

export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly output: string[],
  ) {}

  static async start(options: {
    jobs: ScrapeJob[];
    ruleFiles?: string[];
    scrapeIntervalSeconds?: number;
    binary?: string;
  }): Promise<PrometheusServer> {
    const binary = options.binary ?? process.env.PROMETHEUS ?? '/usr/bin/prometheus';
    if (!existsSync(binary)) {
      throw new Error(`${binary} is missing: install the Debian package \`prometheus\``);
    }
    const dir = mkdtempSync(join(tmpdir(), 'relaymesh-prometheus-'));
    const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
    const config = {
      global: {
        scrape_interval: interval,
        evaluation_interval: interval,
        scrape_timeout: interval,
      },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: options.jobs.map(({ job, urls }) => ({
        job_name: job,
        static_configs: [{ targets: urls.map((u) => new URL(u).host) }],
      })),
    };
    // JSON is YAML: no YAML writer needed.
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(
      binary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, child, dir, output);
    await waitFor(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`prometheus exited with ${child.exitCode}: ${output.join('')}`);
        }
        return (await fetch(`${server.url}/-/ready`)).status === 200;
      },
      { what: 'prometheus ready', timeoutMs: 20_000, intervalMs: 100 },
    );
    return server;
  }

  /** An instant query now; `ok: false` carries Prometheus's own error (a PromQL syntax error, say). */
  async query(expr: string): Promise<PromQueryResult> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as
      | { status: 'success'; data: { resultType: string; result: unknown } }
      | { status: 'error'; error: string };
    if (body.status !== 'success') return { ok: false, error: body.error };
    const { resultType, result } = body.data;
    if (resultType === 'vector') return { ok: true, samples: result as PromSample[] };
    if (resultType === 'scalar') {
      return { ok: true, samples: [{ metric: {}, value: result as [number, string] }] };
    }
    return { ok: false, error: `unexpected result type ${resultType}` };
  }

  /** GET one of the API's JSON endpoints, e.g. `targets` or `rules`, and return its `data`. */
  async api<T>(path: string): Promise<T> {
    const res = await fetch(`${this.url}/api/v1/${path}`);
    return ((await res.json()) as { data: T }).data;
  }

  logs(): string {
    return this.output.join('');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await new Promise<void>((done) => {
        this.child.once('exit', () => done());
        this.child.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
