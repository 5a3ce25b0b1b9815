// The embedded Postgres process itself: PGlite with settings sized for relaymesh's control plane, served by the
// wire server on a loopback port. Run by embedded-postgres.main.ts in a process of its own (see
// embedded-postgres.ts for why).
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_VACUUM_INTERVAL_MS,
  EMBEDDED_POSTGRES_SETTINGS,
  EmbeddedDataDirError,
  PGliteHostOptions,
  dataDirMismatch,
} from './embedded-postgres-config';
import { PGliteWireServer } from './pglite-wire-server';

function openPGlite(dataDir: string): Promise<PGlite> {
  return PGlite.create(dataDir, { postgresqlconf: [...EMBEDDED_POSTGRES_SETTINGS] });
}

/**
 * Makes a new data directory and closes it. Run in a process of its own that then exits (embedded-postgres.ts):
 * initdb is a second WebAssembly instance beside a second PGlite, and what they leave behind would stay in the
 * serving process for its life (~120 MB, mostly malloc'd memory V8 frees but the C allocator keeps).
 */
export async function initializeDataDir(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const db = await openPGlite(dataDir);
  await db.close();
}

export class PGliteHost {
  private vacuumTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly db: PGlite,
    private readonly server: PGliteWireServer,
    readonly url: string,
  ) {}

  static async start(
    dataDir: string,
    options: PGliteHostOptions = { vacuumIntervalMs: DEFAULT_VACUUM_INTERVAL_MS },
  ): Promise<PGliteHost> {
    mkdirSync(dataDir, { recursive: true });
    const versionFile = join(dataDir, 'PG_VERSION');
    const mismatch = dataDirMismatch(
      dataDir,
      existsSync(versionFile) ? readFileSync(versionFile, 'utf8') : null,
    );
    if (mismatch !== null) throw new EmbeddedDataDirError(mismatch);
    const db = await openPGlite(dataDir);
    const server = new PGliteWireServer(db);
    const port = await server.listen();
    const host = new PGliteHost(db, server, `postgres://postgres@127.0.0.1:${port}/postgres`);
    if (options.vacuumIntervalMs > 0) {
      host.vacuumTimer = setInterval(
        () => server.runWhenIdle('VACUUM', () => db.exec('VACUUM (ANALYZE)')),
        options.vacuumIntervalMs,
      );
      host.vacuumTimer.unref();
    }
    return host;
  }

  async stop(): Promise<void> {
    if (this.vacuumTimer) clearInterval(this.vacuumTimer);
    await this.server.close();
    await this.db.close();
  }
}
