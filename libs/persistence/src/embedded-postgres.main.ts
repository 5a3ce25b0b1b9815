// The embedded Postgres process (forked by embedded-postgres.ts): starts PGliteHost on the data directory given
// as its argument, reports its URL (or why it could not start) over IPC, and stops when told or when its parent
// goes away. Signals from a terminal's Ctrl-C are ignored: the parent stops the apps first, then this.
import { PGliteHost } from './pglite-host';
import type { HostMessage } from './embedded-postgres';

function send(message: HostMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  let host: PGliteHost;
  try {
    host = await PGliteHost.start(process.argv[2], { vacuumIntervalMs: Number(process.argv[3]) });
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    send({ kind: 'failed', name: error.name, message: error.message });
    process.exit(1);
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
  // A new data directory was made by a second WebAssembly instance (initdb) whose memory, ~300 MB, is garbage
  // from here on; nothing else in this process allocates enough to prompt a collection soon.
  setTimeout(() => globalThis.gc?.(), 100).unref();
}

void main();
