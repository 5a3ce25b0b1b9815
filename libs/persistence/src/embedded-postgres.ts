// Embedded Postgres for `npm start`: PGlite (Postgres compiled to WASM) served on a loopback socket, so TypeORM's
// ordinary `postgres` driver talks to it exactly as to a real server. See shared/notes/embedded-postgres.md for
// what was measured and why not typeorm-pglite (no transaction isolation), and pglite-wire-server.ts for why our
// own wire server rather than pglite-socket's. One caveat holds here that real Postgres lacks: all connections
// share one PGlite session, so code inside a transaction must query through that transaction's manager only.
//
// PGlite runs in a child process of its own (embedded-postgres.main.ts), for two reasons. Memory: V8's
// optimising compiler, tiering PGlite's large WebAssembly functions up, held ~450 MB at its peak; the child runs
// with `--liftoff-only` (baseline code only, README "Memory" has the figures), a V8 flag that is process-wide
// and fixed at start, so the gateway's own code keeps the optimiser. Isolation: a fault that stops PGlite (it
// can spin inside WebAssembly or exit its runtime) cannot stop the gateway with it. A new data directory is made
// by a short-lived process of the same kind before the serving one starts (initializeDataDir says why).
import { ChildProcess, fork } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import {
  DEFAULT_VACUUM_INTERVAL_MS,
  EmbeddedDataDirError,
  PGliteHostOptions,
  needsInitdb,
} from './embedded-postgres-config';

export {
  DEFAULT_VACUUM_INTERVAL_MS,
  EMBEDDED_POSTGRES_MAJOR,
  EMBEDDED_POSTGRES_SETTINGS,
  EmbeddedDataDirError,
  dataDirMismatch,
} from './embedded-postgres-config';

/** Between this process and the embedded Postgres process. */
export type HostMessage =
  | { kind: 'ready'; url: string }
  | { kind: 'failed'; name: string; message: string }
  | { kind: 'stop' };

/** What a forked embedded Postgres process does (its first argument). */
export type EmbeddedPostgresRole = 'initdb' | 'serve';

/**
 * V8 flags of the embedded Postgres processes. The semi-space bound: their JavaScript is the wire server's
 * framing, a few MB live; V8's default young generation (up to 2 × 32 MB) only held garbage (README "Memory").
 */
export const EMBEDDED_POSTGRES_NODE_FLAGS: readonly string[] = [
  '--liftoff-only',
  '--max-semi-space-size=1',
];

function forkEmbeddedPostgres(role: EmbeddedPostgresRole, args: string[]): ChildProcess {
  return fork(join(__dirname, 'embedded-postgres.main.js'), [role, ...args], {
    execArgv: [...EMBEDDED_POSTGRES_NODE_FLAGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The error a child reported before it exited, as this process's own. */
function startError(message: Extract<HostMessage, { kind: 'failed' }>): Error {
  return message.name === 'EmbeddedDataDirError'
    ? new EmbeddedDataDirError(message.message)
    : new Error(`the embedded database could not start: ${message.message}`);
}

/** Runs the `initdb` role to its end: resolves when it exited 0, rejects with what it reported otherwise. */
function initializeInChild(dataDir: string): Promise<void> {
  const child = forkEmbeddedPostgres('initdb', [dataDir]);
  return new Promise<void>((resolve, reject) => {
    let reported: Error | null = null;
    child.on('message', (message: HostMessage) => {
      if (message.kind === 'failed') reported = startError(message);
    });
    child.once('exit', (code) => {
      if (code === 0) return resolve();
      reject(
        reported ??
          new Error(
            `the embedded database exited while making its data directory (exit code ${code})`,
          ),
      );
    });
  });
}

export class EmbeddedPostgres {
  private readonly logger = new Logger('EmbeddedPostgres');
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.once('exit', (code, signal) => {
      if (!this.stopping) {
        this.logger.error(
          `the embedded database stopped (${signal ?? `exit code ${code}`}): restart relaymesh`,
        );
      }
    });
  }

  /** The child's process id (for measuring its memory). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(
    dataDir: string,
    options: PGliteHostOptions = { vacuumIntervalMs: DEFAULT_VACUUM_INTERVAL_MS },
  ): Promise<EmbeddedPostgres> {
    if (needsInitdb(dataDir)) await initializeInChild(dataDir);
    const child = forkEmbeddedPostgres('serve', [dataDir, String(options.vacuumIntervalMs)]);
    const url = await new Promise<string>((resolve, reject) => {
      const exited = (code: number | null) =>
        reject(new Error(`the embedded database exited while starting (exit code ${code})`));
      child.once('exit', exited);
      child.once('message', (message: HostMessage) => {
        child.off('exit', exited);
        if (message.kind === 'ready') return resolve(message.url);
        if (message.kind === 'failed') reject(startError(message));
      });
    });
    return new EmbeddedPostgres(child, url);
  }

  /** Closes the database cleanly (its last writes reach disk), then the process ends. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ kind: 'stop' } satisfies HostMessage);
    await exited;
  }
}
