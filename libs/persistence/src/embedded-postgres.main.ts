// The embedded Postgres process (forked by embedded-postgres.ts), in one of two roles given as its first argument:
// `initdb` makes a new data directory and exits 0; `serve` starts PGliteHost on the data directory, reports its
// URL (or why it could not start) over IPC, and stops when told or when its parent goes away. Signals from a
// terminal's Ctrl-C are ignored: the parent stops the apps first, then this.
import { PGliteHost, initializeDataDir } from './pglite-host';
import type { EmbeddedPostgresRole, HostMessage } from './embedded-postgres';

function send(message: HostMessage): void {
  process.send?.(message);
}

function fail(err: unknown): never {
  const error = err instanceof Error ? err : new Error(String(err));
  send({ kind: 'failed', name: error.name, message: error.message });
  process.exit(1);
}

async function serve(dataDir: string, vacuumIntervalMs: number): Promise<void> {
  let host: PGliteHost;
  try {
    host = await PGliteHost.start(dataDir, { vacuumIntervalMs });
  } catch (err) {
    fail(err);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (message: HostMessage) => {
    if (message.kind === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  send({ kind: 'ready', url: host.url });
}

async function main(): Promise<void> {
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  const [role, dataDir, vacuumIntervalMs] = process.argv.slice(2) as [
    EmbeddedPostgresRole,
    string,
    string,
  ];
  if (role === 'serve') return serve(dataDir, Number(vacuumIntervalMs));
  await initializeDataDir(dataDir).catch(fail);
  process.exit(0);
}

void main();
