// Starts relaymesh for end-to-end tests exactly as users run it: the built entry points as real processes.
// `embedded`: `node dist/embedded/main.js` (one process, in-process bus, PGlite in a temporary directory).
// `distributed`: the four apps as four processes on the real NATS and Postgres of this machine, with a
// subject prefix and schema prefix of their own, so suites run in parallel.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  TEST_DATABASE_URL,
  TEST_NATS_URL,
  deleteStreamsWithPrefix,
  dropSchemasWithPrefix,
  freePort,
  uniqueTestId,
  waitFor,
} from './infra';

export type DeploymentMode = 'embedded' | 'distributed';

/**
 * Node's flags for every relaymesh process, as `npm start` (package.json), the image (Dockerfile NODE_OPTIONS)
 * and the Kubernetes manifests give them (test/deploy/node-flags.deploy-spec.ts checks the copies agree): a young
 * generation of at most 2 × 8 MB instead of V8's default (up to 2 × 32 MB here), which under load held ~100 MB
 * of the embedded process's peak; the trade is 3-19% more CPU per request on a quiet machine (README "Memory").
 */
export const RELAYMESH_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/** The repository: the nearest directory up with a package.json (this file also runs built, from dist/). */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return resolve(__dirname, '../../..');
}

const ROOT = repositoryRoot();

export interface Deployment {
  mode: DeploymentMode;
  /** Ingress, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every ingress replica (`url` is the first); more than one with `ingressReplicas` in distributed mode. */
  ingressUrls: string[];
  adminToken: string;
  /**
   * Where each process serves /healthz, /readyz and /metrics, by process name (`router`, `usage-ledger`,
   * `health-prober`, `ingress`, `ingress-2`, ...; embedded: one process, `embedded`): what a Prometheus scrapes.
   */
  metricsUrls: { name: string; url: string }[];
  /** Everything the processes printed so far (for failure messages and secret-leak checks). */
  output(): string;
  /** Calls the admin API; returns status and parsed JSON body. */
  admin<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
  /** Distributed mode: stops one app's process (SIGKILL: a crash; SIGTERM: a graceful stop). */
  stopApp(app: AppName, signal?: NodeJS.Signals): Promise<void>;
  /** Distributed mode: starts a stopped app's process again, as it was, and waits until it is ready. */
  startApp(app: AppName): Promise<void>;
  /** Distributed mode: how a stopped app's process exited (its code, or the signal that ended it). */
  exitOf(app: AppName): { code: number | null; signal: NodeJS.Signals | null };
  /** The base URL of one app's own HTTP port (/healthz, /readyz, /metrics); embedded mode: the one process. */
  appUrl(app: AppName): string;
  /** The process id of one app (embedded mode: of the one process), for /proc inspection. */
  pidOf(app: AppName): number;
  /** The running processes with their pids (the benchmark reads their CPU time and memory in /proc). */
  processes(): RelaymeshProcess[];
}

export interface RelaymeshProcess {
  /** `embedded`, or the app's name (`ingress-2` for a second ingress replica). */
  name: string;
  pid: number;
}

export type AppName = 'router' | 'usage-ledger' | 'health-prober' | 'ingress';

export interface DeploymentOptions {
  /** Extra environment for every process (e.g. RELAYMESH_CONFIG). */
  env?: Record<string, string>;
  label?: string;
  /** Distributed mode: this many ingress processes on the same NATS prefix and database (default 1). */
  ingressReplicas?: number;
  /** Distributed mode: a NATS server of the test's own (e.g. one it restarts) instead of the shared one. */
  natsUrl?: string;
  /** Distributed mode: a Postgres of the test's own (e.g. one it restarts) instead of the shared one. */
  databaseUrl?: string;
  /** Arguments for node before the entry point, e.g. `--cpu-prof` (the benchmark's profile). */
  nodeArgs?: string[];
}

interface Proc {
  name: string;
  child: ChildProcess;
  output: string[];
  /** How it was launched, so it can be launched again. */
  file: string;
  env: Record<string, string | undefined>;
  nodeArgs: string[];
  port?: number;
}

function entry(relative: string): string {
  const file = join(ROOT, 'dist', relative);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`npm run build\` before the e2e tests`);
  }
  return file;
}

function launch(
  name: string,
  file: string,
  env: Record<string, string | undefined>,
  nodeArgs: string[] = [],
): Proc {
  const output: string[] = [];
  const child = spawn(process.execPath, [...RELAYMESH_NODE_FLAGS, ...nodeArgs, file], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output.push(`[${name}] ${chunk.toString('utf8')}`);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { name, child, output, file, env, nodeArgs };
}

async function waitReady(procs: Proc[], url: string): Promise<void> {
  await waitFor(
    async () => {
      const dead = procs.find((p) => p.child.exitCode !== null);
      if (dead) {
        throw new Error(
          `${dead.name} exited with ${dead.child.exitCode}:\n${dead.output.join('')}`,
        );
      }
      const res = await fetch(`${url}/readyz`);
      return res.status === 200;
    },
    { what: `relaymesh ready at ${url}`, timeoutMs: 45_000, intervalMs: 100 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${procs.map((p) => p.output.join('')).join('\n')}`);
  });
}

async function stopAll(procs: Proc[]): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((done) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return done();
          const kill = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
          p.child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          p.child.kill('SIGTERM');
        }),
    ),
  );
}

function stopOne(p: Proc, signal: NodeJS.Signals): Promise<void> {
  return new Promise<void>((done) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return done();
    p.child.once('exit', () => done());
    p.child.kill(signal);
  });
}

function deployment(
  mode: DeploymentMode,
  url: string,
  adminToken: string,
  procs: Proc[],
  cleanup: () => Promise<void>,
  ingressUrls: string[] = [url],
): Deployment {
  const find = (app: AppName): Proc => {
    // Embedded mode: every app is the one process.
    const proc = procs.find((p) => p.name === app || p.name === 'embedded');
    if (!proc) throw new Error(`${mode} deployment has no ${app} process`);
    return proc;
  };
  return {
    mode,
    url,
    ingressUrls,
    adminToken,
    metricsUrls: procs.map((p) => ({
      name: p.name,
      url: p.port === undefined ? url : `http://127.0.0.1:${p.port}`,
    })),
    output: () => procs.map((p) => p.output.join('')).join('\n'),
    async admin<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${url}/admin${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    async stop() {
      await stopAll(procs);
      await cleanup();
    },
    stopApp: (app, signal = 'SIGKILL') => stopOne(find(app), signal),
    exitOf: (app) => ({ code: find(app).child.exitCode, signal: find(app).child.signalCode }),
    appUrl: (app) => `http://127.0.0.1:${find(app).port}`,
    pidOf: (app) => {
      const pid = find(app).child.pid;
      if (pid === undefined) throw new Error(`${app} has no process id (it failed to spawn)`);
      return pid;
    },
    processes: () =>
      procs
        .filter((p) => p.child.pid !== undefined && p.child.exitCode === null)
        .flatMap((p) => [{ name: p.name, pid: p.child.pid! }, ...forkedBy(p.name, p.child.pid!)]),
    async startApp(app) {
      const old = find(app);
      const fresh = { ...launch(old.name, old.file, old.env, old.nodeArgs), port: old.port };
      fresh.output.unshift(...old.output);
      procs[procs.indexOf(old)] = fresh;
      await waitReady([fresh], `http://127.0.0.1:${fresh.port}`);
    },
  };
}

export async function startDeployment(
  mode: DeploymentMode,
  options: DeploymentOptions = {},
): Promise<Deployment> {
  return mode === 'embedded' ? startEmbedded(options) : startDistributed(options);
}

async function startEmbedded(options: DeploymentOptions): Promise<Deployment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relaymesh-e2e-'));
  const port = await freePort();
  const adminToken = `rm-admin-test-${randomBytes(12).toString('hex')}`;
  const proc = launch(
    'embedded',
    entry('embedded/main.js'),
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      RELAYMESH_DATA_DIR: dataDir,
      RELAYMESH_ADMIN_TOKEN: adminToken,
      DATABASE_URL: undefined,
      NATS_URL: undefined,
      ...options.env,
    },
    options.nodeArgs,
  );
  proc.port = port;
  const url = `http://127.0.0.1:${port}`;
  await waitReady([proc], url);
  return deployment('embedded', url, adminToken, [proc], async () => {
    rmSync(dataDir, { recursive: true, force: true });
  });
}

async function startDistributed(options: DeploymentOptions): Promise<Deployment> {
  const id = uniqueTestId(options.label ?? 'e2e');
  const adminToken = `rm-admin-test-${randomBytes(12).toString('hex')}`;
  const [ingressPort, routerPort, proberPort, ledgerPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const shared = {
    NATS_URL: options.natsUrl ?? TEST_NATS_URL,
    RELAYMESH_NATS_PREFIX: id,
    DATABASE_URL: options.databaseUrl ?? TEST_DATABASE_URL,
    RELAYMESH_DB_SCHEMA_PREFIX: `${id}_`,
    RELAYMESH_SECRET_KEY: randomBytes(32).toString('base64'),
    HOST: '127.0.0.1',
    ...options.env,
  };
  const procs = [
    launch(
      'router',
      entry('apps/router/src/main.js'),
      { ...shared, PORT: String(routerPort) },
      options.nodeArgs,
    ),
    launch(
      'usage-ledger',
      entry('apps/usage-ledger/src/main.js'),
      { ...shared, PORT: String(ledgerPort) },
      options.nodeArgs,
    ),
    launch(
      'health-prober',
      entry('apps/health-prober/src/main.js'),
      { ...shared, PORT: String(proberPort) },
      options.nodeArgs,
    ),
    launch(
      'ingress',
      entry('apps/ingress/src/main.js'),
      { ...shared, PORT: String(ingressPort), RELAYMESH_ADMIN_TOKEN: adminToken },
      options.nodeArgs,
    ),
  ];
  [routerPort, ledgerPort, proberPort, ingressPort].forEach((port, i) => (procs[i].port = port));
  const url = `http://127.0.0.1:${ingressPort}`;
  const extraIngressPorts = await Promise.all(
    Array.from({ length: Math.max(0, (options.ingressReplicas ?? 1) - 1) }, () => freePort()),
  );
  extraIngressPorts.forEach((port, i) => {
    const replica = launch(
      `ingress-${i + 2}`,
      entry('apps/ingress/src/main.js'),
      { ...shared, PORT: String(port), RELAYMESH_ADMIN_TOKEN: adminToken },
      options.nodeArgs,
    );
    replica.port = port;
    procs.push(replica);
  });
  const ingressUrls = [ingressPort, ...extraIngressPorts].map((port) => `http://127.0.0.1:${port}`);
  try {
    await Promise.all(
      [routerPort, ledgerPort, proberPort, ingressPort, ...extraIngressPorts].map((port) =>
        waitReady(procs, `http://127.0.0.1:${port}`),
      ),
    );
  } catch (err) {
    await stopAll(procs);
    await dropSchemasWithPrefix(shared.DATABASE_URL, `${id}_`);
    throw err;
  }
  return deployment(
    'distributed',
    url,
    adminToken,
    procs,
    async () => {
      await dropSchemasWithPrefix(shared.DATABASE_URL, `${id}_`);
      await deleteStreamsWithPrefix(shared.NATS_URL, id).catch(() => undefined);
    },
    ingressUrls,
  );
}

/**
 * The processes an app forked itself (Linux /proc), named after it: `embedded/postgres` for the embedded
 * database, `<app>/worker-N` for ingress workers. Counted with their app in the benchmark's CPU and memory.
 */
function forkedBy(name: string, pid: number): RelaymeshProcess[] {
  let children: number[];
  try {
    children = readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(/\s+/)
        .filter((field) => field !== '')
        .map(Number),
    );
  } catch {
    return [];
  }
  let workers = 0;
  return children.map((child) => {
    let command = '';
    try {
      command = readFileSync(`/proc/${child}/cmdline`, 'utf8');
    } catch {
      // Gone since it was listed.
    }
    const role = command.includes('embedded-postgres.main') ? 'postgres' : `worker-${++workers}`;
    return { name: `${name}/${role}`, pid: child };
  });
}
