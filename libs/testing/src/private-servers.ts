// A NATS server and a Postgres cluster of one test's own, for drills that stop and restart them while relaymesh
// runs: the shared servers of this machine (other suites run on them in parallel) are never disturbed. Each
// keeps its port and its storage across stop() and start(), as a restarted production server would.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './infra';

const run = promisify(execFile);

const NATS_SERVER = process.env.RELAYMESH_TEST_NATS_SERVER ?? '/usr/sbin/nats-server';
const POSTGRES_ROOT = '/usr/lib/postgresql';

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
function waitForPort(port: number, what: string): Promise<true> {
  return waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    { what, timeoutMs: 15_000, intervalMs: 50 },
  );
}

/** A private JetStream server: stop() and start() again on the same port and storage directory. */
export class PrivateNats {
  private child: ChildProcess | null = null;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'relaymesh-nats-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      NATS_SERVER,
      ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir],
      { stdio: 'ignore' },
    );
    await waitForPort(this.port, `nats-server on ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** The newest Postgres server binaries installed the Debian way (`/usr/lib/postgresql/<major>/bin`). */
function postgresBin(): string {
  const majors = existsSync(POSTGRES_ROOT)
    ? readdirSync(POSTGRES_ROOT)
        .filter((name) => existsSync(join(POSTGRES_ROOT, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new Error(
      `no Postgres server binaries under ${POSTGRES_ROOT}/*/bin (apt install postgresql)`,
    );
  }
  return join(POSTGRES_ROOT, majors[0], 'bin');
}

/**
 * A private Postgres cluster in a temporary directory (trust auth, user `postgres`, fsync off: it is thrown
 * away). Postgres refuses to run as root, so under root the server's commands run as the `postgres` user
 * through runuser, and the data directory belongs to that user.
 */
export class PrivatePostgres {
  private readonly bin = postgresBin();
  readonly dir = mkdtempSync(join(tmpdir(), 'relaymesh-pg-'));
  private readonly dataDir = join(this.dir, 'data');
  private initialised = false;

  constructor(readonly port: number) {
    if (process.getuid?.() === 0) {
      const { uid, gid } = this.postgresUser();
      chownSync(this.dir, uid, gid);
    }
    chmodSync(this.dir, 0o700);
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    if (!this.initialised) {
      await this.asServer('initdb', [
        '-D',
        this.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--no-sync',
      ]);
      this.initialised = true;
    }
    await this.asServer('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c max_connections=200`,
      '-w',
      'start',
    ]);
    await waitForPort(this.port, `postgres on ${this.port}`);
  }

  /** `fast`: clients are disconnected and the server shuts down cleanly, as in a restart for maintenance. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.initialised) return;
    await this.asServer('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']).catch(
      (err: Error) => {
        // Already stopped is fine.
        if (!/is the server running|No such process/i.test(err.message)) throw err;
      },
    );
  }

  async dispose(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async asServer(tool: string, args: string[]): Promise<void> {
    const file = join(this.bin, tool);
    const [command, argv] =
      process.getuid?.() === 0
        ? ['runuser', ['-u', 'postgres', '--', file, ...args]]
        : [file, args];
    await run(command, argv, { cwd: this.dir, timeout: 60_000 });
  }

  private postgresUser(): { uid: number; gid: number } {
    const passwd = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[0] === 'postgres');
    if (!passwd) {
      throw new Error('running as root but there is no `postgres` user to run Postgres as');
    }
    return { uid: Number(passwd[2]), gid: Number(passwd[3]) };
  }
}
