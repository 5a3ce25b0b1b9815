// `npm run bench`: what relaymesh costs on the request path, measured against the direct call in the same run.
// Starts the fake upstreams of libs/testing (own process, zero delay), relaymesh as users run it (embedded by
// default; --mode=distributed for the four processes on the real NATS and Postgres), creates channels and a
// key through the admin API, then for each scenario of issue 9 measures the direct call, the call through
// relaymesh, through nginx (the floor of one proxy hop; gateway/nginx.ts) and, with --portkey, through
// Portkey's gateway: autocannon load for throughput, a sequential
// hrtime probe for sub-millisecond latency and time to first byte, CPU seconds and peak RSS of the gateway's
// processes from /proc. Prints a table and the targets, writes bench/results/latest.json, and checks that the
// ledger holds one usage record per request ingress served. Bounded in time: it stops itself.
import { ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Deployment, RELAYMESH_NODE_FLAGS, startDeployment, waitFor } from '@relaymesh/testing';
import { CpuProfile, ProfileWindow, SelfTimeEntry, topSelfTime } from './gateway/cpu-profile';
import type { FakeUpstreamUrls } from './gateway/fake-upstreams';
import { runLoad } from './gateway/load';
import { sumCounter } from './gateway/metrics-text';
import { BenchOptions, USAGE, parseBenchArgs } from './gateway/options';
import { NginxFloor, startNginx } from './gateway/nginx';
import { NodeFloor, startNodeFloor } from './gateway/node-floor';
import { PortkeyGateway, portkeyCall, startPortkey } from './gateway/portkey';
import { runProbe } from './gateway/probe';
import { ProcessMeter, ProcessUsage, WatchedProcess } from './gateway/process-meter';
import {
  FLOOR_HEADER,
  FloorTarget,
  Measurement,
  TABLE_HEADER,
  Target,
  UsageAccount,
  evaluateTargets,
  formatTable,
  floorRows,
  formatTargets,
  tableRows,
} from './gateway/report';
import {
  ANTHROPIC_MODEL,
  HttpCall,
  OPENAI_MODEL,
  SCENARIOS,
  Scenario,
  UPSTREAM_ANTHROPIC_KEY,
  UPSTREAM_OPENAI_KEY,
} from './gateway/scenarios';
import { summarize } from './gateway/stats';
import { adminUsageQuery, countUsageRecords } from './gateway/usage-count';

const ROOT = resolve(__dirname, '../..');

/** When relaymesh was under load (process.hrtime µs, V8's profile clock too): the profile's window. */
const relaymeshWindow: ProfileWindow = { fromMicros: Number.POSITIVE_INFINITY, toMicros: 0 };
const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

function loadedWhile<T>(target: Target, measure: () => Promise<T>): Promise<T> {
  if (target !== 'relaymesh') return measure();
  relaymeshWindow.fromMicros = Math.min(relaymeshWindow.fromMicros, nowMicros());
  return measure().finally(() => (relaymeshWindow.toMicros = nowMicros()));
}
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Processes whose CPU and memory a measurement reports: a gateway's, or for direct calls the fake's. */
interface MeteredServer {
  processes: () => WatchedProcess[];
  /** The processes that make up its data plane (for the ingress-only CPU and RSS figures). */
  isIngress: (name: string) => boolean;
  /**
   * Its peak RSS from each process's: by default the highest of its ingress processes (one replica's). The
   * embedded deployment adds all of its processes up (the gateway and its PGlite child are one deployment).
   */
  peakRss?: (byProcess: Record<string, number>) => number | null;
}

/** A gateway under test: where to send requests and which processes to meter. */
interface GatewayUnderTest extends MeteredServer {
  target: Exclude<Target, 'direct'>;
  origins: string[];
  call: (scenario: Scenario) => HttpCall;
  /** How a complete answer through it ends (nginx relays the direct call's answer unchanged). */
  complete: (scenario: Scenario) => (body: string) => boolean;
}

/** A floor row's proxy: sent the direct calls unchanged, its one process metered. */
function floorGateway(
  target: FloorTarget,
  name: string,
  proxy: { url: string; pid: number },
): GatewayUnderTest {
  return {
    target,
    origins: [proxy.url],
    call: (scenario) => scenario.direct.call,
    complete: (scenario) => scenario.direct.complete,
    processes: () => [{ name, pid: proxy.pid }],
    isIngress: () => true,
  };
}

function startFakeUpstreams(): Promise<{ child: ChildProcess; urls: FakeUpstreamUrls }> {
  const child = fork(join(__dirname, 'gateway', 'fake-upstreams.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolveUrls, reject) => {
    child.once('message', (urls) => resolveUrls({ child, urls: urls as FakeUpstreamUrls }));
    child.once('exit', (code) => reject(new Error(`fake upstreams exited with ${code}`)));
  });
}

async function adminOk<T>(
  relay: Deployment,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await relay.admin<T>(method, path, body);
  if (res.status >= 300) {
    throw new Error(`${method} /admin${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/**
 * More than the bench can spend (a request costs about $0.0001 at the bench's prices) but finite, so every
 * request is admitted against a credit lease, as a metered key's are.
 */
const BENCH_CREDIT_USD = 100_000;

/** Channels to both fakes, prices for both models, and one client key; returns the key. */
async function provision(
  relay: Deployment,
  upstreams: FakeUpstreamUrls,
  unlimitedKey: boolean,
): Promise<{ key: string; id: string }> {
  for (const model of [OPENAI_MODEL, ANTHROPIC_MODEL]) {
    await adminOk(relay, 'PUT', `/models/${encodeURIComponent(model)}`, {
      input_usd_per_mtok: 1,
      output_usd_per_mtok: 4,
    });
  }
  await adminOk(relay, 'POST', '/channels', {
    name: 'bench-openai',
    type: 'openai',
    base_url: upstreams.openai,
    keys: [UPSTREAM_OPENAI_KEY],
    models: [OPENAI_MODEL],
  });
  await adminOk(relay, 'POST', '/channels', {
    name: 'bench-anthropic',
    type: 'anthropic',
    base_url: upstreams.anthropic,
    keys: [UPSTREAM_ANTHROPIC_KEY],
    models: [ANTHROPIC_MODEL],
  });
  const key = await adminOk<{ key: string; id: string }>(
    relay,
    'POST',
    '/keys',
    unlimitedKey
      ? { name: 'bench', unlimited: true }
      : { name: 'bench', credit_usd: BENCH_CREDIT_USD },
  );
  // Routable on every ingress replica (the snapshot reaches each within moments).
  for (const origin of relay.ingressUrls) {
    for (const scenario of SCENARIOS) {
      const call = scenario.viaGateway(key.key);
      await waitFor(
        async () => {
          const res = await fetch(`${origin}${call.path}`, {
            method: 'POST',
            headers: call.headers,
            body: call.body,
          });
          return res.status === 200 && scenario.complete(await res.text());
        },
        { what: `${scenario.id} answered 200 by ${origin}`, timeoutMs: 15_000, intervalMs: 100 },
      );
    }
  }
  return key;
}

function share(usage: ProcessUsage): number | null {
  const sum = (by: Record<string, number>) => Object.values(by).reduce((a, b) => a + b, 0);
  const total = sum(usage.cpuSeconds);
  return total > 0 ? sum(usage.systemCpuSeconds) / total : null;
}

function perRequest(
  usage: ProcessUsage,
  requests: number,
  include: (name: string) => boolean,
): number | null {
  const names = Object.keys(usage.cpuSeconds).filter(include);
  if (requests === 0 || names.length === 0) return null;
  const seconds = names.reduce((sum, name) => sum + usage.cpuSeconds[name], 0);
  return (seconds * 1000) / requests;
}

function serverFigures(
  gateway: MeteredServer | null,
  usage: ProcessUsage | null,
  requests: number,
): Pick<
  Measurement,
  | 'cpuMsPerRequest'
  | 'ingressCpuMsPerRequest'
  | 'cpuMsPerRequestByProcess'
  | 'systemCpuShare'
  | 'peakRssMb'
  | 'peakRssMbByProcess'
> {
  if (!gateway || !usage) {
    return {
      cpuMsPerRequest: null,
      ingressCpuMsPerRequest: null,
      cpuMsPerRequestByProcess: null,
      systemCpuShare: null,
      peakRssMb: null,
      peakRssMbByProcess: null,
    };
  }
  const byProcess = Object.fromEntries(
    Object.keys(usage.cpuSeconds).map((name) => [
      name,
      perRequest(usage, requests, (n) => n === name) ?? 0,
    ]),
  );
  const ingressRss = Object.entries(usage.peakRssMb)
    .filter(([name]) => gateway.isIngress(name))
    .map(([, mb]) => mb);
  const peakRssMb = gateway.peakRss
    ? gateway.peakRss(usage.peakRssMb)
    : ingressRss.length > 0
      ? Math.max(...ingressRss)
      : null;
  return {
    cpuMsPerRequest: perRequest(usage, requests, () => true),
    ingressCpuMsPerRequest: perRequest(usage, requests, gateway.isIngress),
    cpuMsPerRequestByProcess: byProcess,
    systemCpuShare: share(usage),
    peakRssMb,
    peakRssMbByProcess: usage.peakRssMb,
  };
}

async function measureLoad(
  options: BenchOptions,
  scenario: Scenario,
  connections: number,
  target: Target,
  origins: string[],
  call: HttpCall,
  server: MeteredServer,
  complete: (body: string) => boolean,
): Promise<Measurement> {
  const load = { origins, call, connections, complete };
  if (options.warmupSeconds > 0) await runLoad({ ...load, seconds: options.warmupSeconds });
  const meter = new ProcessMeter(server.processes);
  meter.start();
  const result = await loadedWhile(target, () =>
    runLoad({ ...load, seconds: options.loadSeconds }),
  );
  const usage = meter.stop();
  return {
    scenario: scenario.id,
    target,
    method: 'load',
    connections,
    seconds: result.seconds,
    requests: result.requests,
    rps: result.rps,
    latencyMs: { p50: result.p50, p99: result.p99 },
    firstByteMs: null,
    errors: result.errors,
    ...serverFigures(server, usage, result.requests),
  };
}

async function measureProbe(
  options: BenchOptions,
  scenario: Scenario,
  target: Target,
  origin: string,
  call: HttpCall,
  server: MeteredServer,
  complete: (body: string) => boolean,
): Promise<Measurement> {
  const probe = { origin, call, complete };
  const warmup = Math.min(200, Math.ceil(options.probeRequests / 5));
  await runProbe({ ...probe, requests: warmup });
  const meter = new ProcessMeter(server.processes);
  meter.start();
  const result = await loadedWhile(target, () =>
    runProbe({ ...probe, requests: options.probeRequests }),
  );
  const usage = meter.stop();
  const last = summarize(result.lastByteMs);
  const first = summarize(result.firstByteMs);
  const requests = result.lastByteMs.length;
  return {
    scenario: scenario.id,
    target,
    method: 'probe',
    connections: 1,
    seconds: result.seconds,
    requests,
    rps: result.seconds > 0 ? requests / result.seconds : 0,
    latencyMs: { p50: last.p50, p99: last.p99 },
    firstByteMs: { p50: first.p50, p99: first.p99 },
    errors: result.errors,
    ...serverFigures(server, usage, requests),
  };
}

async function runScenarios(
  options: BenchOptions,
  upstreams: FakeUpstreamUrls,
  fakes: MeteredServer,
  gateways: GatewayUnderTest[],
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const scenarios = SCENARIOS.filter(
    (s) => options.only.length === 0 || options.only.includes(s.id),
  );
  for (const scenario of scenarios) {
    log(scenario.title);
    const directOrigin = upstreams[scenario.direct.upstream];
    // Direct and gateway measurements alternate, so a slow patch of the shared machine hits both alike.
    for (const connections of scenario.loadConnections) {
      measurements.push(
        await measureLoad(
          options,
          scenario,
          connections,
          'direct',
          [directOrigin],
          scenario.direct.call,
          fakes,
          scenario.direct.complete,
        ),
      );
      for (const gateway of gateways) {
        measurements.push(
          await measureLoad(
            options,
            scenario,
            connections,
            gateway.target,
            gateway.origins,
            gateway.call(scenario),
            gateway,
            gateway.complete(scenario),
          ),
        );
      }
    }
    if (scenario.probe) {
      measurements.push(
        await measureProbe(
          options,
          scenario,
          'direct',
          directOrigin,
          scenario.direct.call,
          fakes,
          scenario.direct.complete,
        ),
      );
      for (const gateway of gateways) {
        measurements.push(
          await measureProbe(
            options,
            scenario,
            gateway.target,
            gateway.origins[0],
            gateway.call(scenario),
            gateway,
            gateway.complete(scenario),
          ),
        );
      }
    }
  }
  return measurements;
}

/** Waits for the ledger to hold one record per request ingress served (it commits asynchronously). */
async function accountUsage(
  relay: Deployment,
  keyId: string,
  since: number,
  smoke: boolean,
): Promise<UsageAccount> {
  const served = async () => {
    let total = 0;
    for (const origin of relay.ingressUrls) {
      total += sumCounter(
        await (await fetch(`${origin}/metrics`)).text(),
        'relaymesh_ingress_requests_total',
      );
    }
    return total;
  };
  const inFlight = async () => {
    let total = 0;
    for (const origin of relay.ingressUrls) {
      total += sumCounter(
        await (await fetch(`${origin}/metrics`)).text(),
        'relaymesh_ingress_in_flight_requests',
      );
    }
    return total;
  };
  const query = adminUsageQuery((method, path) => relay.admin(method, path), keyId);
  let account: UsageAccount = { requestsServed: 0, records: 0 };
  try {
    // Requests the load tool gave up on at the end of its run are still being served (and metered): the
    // count of requests served is final only once none is in flight. Read before that, records that commit
    // after the read outnumber it.
    await waitFor(async () => (await inFlight()) === 0, {
      what: 'ingress to finish the requests in flight',
      timeoutMs: smoke ? 20_000 : 60_000,
      intervalMs: 100,
    });
    await waitFor(
      async () => {
        account = {
          requestsServed: await served(),
          records: await countUsageRecords(query, since - 60_000, Date.now() + 60_000),
        };
        return account.records >= account.requestsServed;
      },
      {
        what: 'the ledger to commit every usage record',
        timeoutMs: smoke ? 20_000 : 60_000,
        intervalMs: 500,
      },
    );
  } catch {
    // The figures as they stand are the answer; the target check reports the gap.
  }
  return account;
}

/**
 * The top self-time functions of each process's profile; the profiles themselves are kept beside the JSON
 * (`<name>.cpuprofile`, for Chrome DevTools or speedscope).
 */
function profileTops(
  dir: string,
  names: Map<number, string>,
  keepDir: string,
): Record<string, SelfTimeEntry[]> {
  const tops: Record<string, SelfTimeEntry[]> = {};
  mkdirSync(keepDir, { recursive: true });
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    // node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
    const pid = Number(file.split('.')[3]);
    const name = names.get(pid) ?? `pid-${pid}`;
    const text = readFileSync(join(dir, file), 'utf8');
    // `embedded/postgres`, `ingress/worker-1`: one file each, not a directory.
    writeFileSync(join(keepDir, `${name.replace(/\//g, '-')}.cpuprofile`), text);
    tops[name] = topSelfTime(JSON.parse(text) as CpuProfile, 25, relaymeshWindow);
  }
  return tops;
}

function printProfile(tops: Record<string, SelfTimeEntry[]>): void {
  for (const [name, entries] of Object.entries(tops)) {
    console.log(`\nCPU profile of ${name}: top self time while under load, share of busy time`);
    console.log(
      formatTable(
        ['self ms', 'share', 'function'],
        entries.map((e) => [e.selfMs.toFixed(0), `${(e.share * 100).toFixed(1)}%`, e.location]),
      ),
    );
  }
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const startedAt = Date.now();
  // Bounded: whatever hangs, the run ends (the launcher's children get SIGTERM from the exit handler below).
  const budgetMs = options.smoke ? 180_000 : 30 * 60_000;
  const watchdog = setTimeout(() => {
    log(`gave up after ${budgetMs / 1000} s`);
    process.exit(2);
  }, budgetMs);
  watchdog.unref();

  const profileDir = options.cpuProf ? mkdtempSync(join(tmpdir(), 'relaymesh-bench-prof-')) : null;
  const fakes = await startFakeUpstreams();
  let relay: Deployment | null = null;
  let portkey: PortkeyGateway | null = null;
  let nginx: NginxFloor | null = null;
  let nodeFloor: NodeFloor | null = null;
  const cleanup = () => {
    fakes.child.kill('SIGTERM');
  };
  process.once('exit', cleanup);
  try {
    log(
      `starting relaymesh (${options.mode}${options.ingressReplicas > 1 ? `, ${options.ingressReplicas} ingress replicas` : ''}${options.ingressWorkers > 1 ? `, ${options.ingressWorkers} workers each` : ''})`,
    );
    relay = await startDeployment(options.mode, {
      label: 'bench',
      ingressReplicas: options.ingressReplicas,
      env: {
        ...(options.ingressWorkers > 1
          ? { RELAYMESH_INGRESS_WORKERS: String(options.ingressWorkers) }
          : {}),
        // Through the environment, not node's arguments: the processes relaymesh forks with arguments of their
        // own (the embedded Postgres child, `--liftoff-only`) inherit it, so they are profiled too.
        ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
      },
    });
    const deployment = relay;
    const key = await provision(relay, fakes.urls, options.unlimitedKey);
    const gateways: GatewayUnderTest[] = [];
    nginx = await startNginx(fakes.urls, log);
    if (nginx) gateways.push(floorGateway('nginx', 'nginx', nginx));
    nodeFloor = await startNodeFloor(fakes.urls, RELAYMESH_NODE_FLAGS);
    gateways.push(floorGateway('node', 'node-floor', nodeFloor));
    gateways.push({
      target: 'relaymesh',
      origins: relay.ingressUrls,
      call: (scenario) => scenario.viaGateway(key.key),
      complete: (scenario) => scenario.complete,
      processes: () => deployment.processes(),
      isIngress: (name) => name === 'embedded' || name.startsWith('ingress'),
      ...(options.mode === 'embedded'
        ? {
            peakRss: (byProcess: Record<string, number>) =>
              Object.values(byProcess).reduce((sum, mb) => sum + mb, 0),
          }
        : {}),
    });
    if (options.portkey) {
      portkey = await startPortkey(log);
      const pk = portkey;
      if (pk) {
        gateways.push({
          target: 'portkey',
          origins: [pk.url],
          call: (scenario) => portkeyCall(scenario, fakes.urls),
          complete: (scenario) => scenario.complete,
          processes: () => [{ name: 'portkey', pid: pk.pid }],
          isIngress: () => true,
        });
      }
    }

    const fakeProcess = { name: 'fake-upstreams', pid: fakes.child.pid! };
    const measurements = await runScenarios(
      options,
      fakes.urls,
      { processes: () => [fakeProcess], isIngress: () => true },
      gateways,
    );
    log('counting usage records');
    const usage = await accountUsage(relay, key.id, startedAt, options.smoke);
    const targets = evaluateTargets(measurements, usage, options.mode);
    const names = new Map(relay.processes().map((p) => [p.pid, p.name]));

    console.log(
      `\nrelaymesh benchmark: ${options.mode} mode${options.ingressReplicas > 1 ? `, ${options.ingressReplicas} ingress replicas` : ''}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`,
    );
    for (const scenario of SCENARIOS) console.log(`  ${scenario.id}: ${scenario.title}`);
    console.log(`\n${formatTable(TABLE_HEADER, tableRows(measurements))}`);
    console.log(
      '\nadded = nginx, the Node floor, relaymesh or portkey minus the direct call in the same run; load latencies are whole ms' +
        ' (autocannon), sequential ones microsecond-timed; cpu = CPU time per request of the gateway processes' +
        ' (direct rows: of the fake upstream, the cost of one bare node:http exchange).',
    );
    const multiples = floorRows(measurements);
    if (multiples.length > 0) {
      console.log(
        `\nAs multiples of the nginx floor (req/s: how many times fewer; the rest: how many times more):\n${formatTable(FLOOR_HEADER, multiples)}`,
      );
    }
    const overNode = floorRows(measurements, 'node');
    if (overNode.length > 0) {
      console.log(
        `\nAs multiples of the Node floor (node:http + undici, both bodies parsed, nothing else; bench/gateway/node-floor.ts):\n${formatTable(FLOOR_HEADER, overNode)}`,
      );
    }
    console.log(`\n${formatTargets(targets)}`);

    await relay.stop();
    relay = null;
    await portkey?.stop();
    portkey = null;
    await nginx?.stop();
    nginx = null;
    await nodeFloor?.stop();
    nodeFloor = null;
    const out = resolve(ROOT, options.out);
    const profile = profileDir
      ? profileTops(profileDir, names, join(dirname(out), 'cpu-profiles'))
      : null;
    if (profile) printProfile(profile);

    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          startedAt: new Date(startedAt).toISOString(),
          seconds: (Date.now() - startedAt) / 1000,
          mode: options.mode,
          ingressReplicas: options.ingressReplicas,
          ingressWorkers: options.ingressWorkers,
          smoke: options.smoke,
          machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? null, node: process.version },
          measurements,
          usage,
          targets,
          profile,
        },
        null,
        2,
      )}\n`,
    );
    log(`wrote ${out}`);
    const failed = measurements.filter((m) => m.target === 'relaymesh' && m.errors > 0);
    if (failed.length > 0 || usage.records !== usage.requestsServed) {
      log('requests failed or usage records are missing: see the table');
      process.exitCode = 1;
    }
  } finally {
    await relay?.stop();
    await portkey?.stop();
    await nginx?.stop();
    await nodeFloor?.stop();
    cleanup();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
