// Embedded Postgres for `npm start`: PGlite (Postgres compiled to WASM) in this process, served on a loopback
// socket so TypeORM's ordinary `postgres` driver talks to it exactly as to a real server. See
// shared/notes/embedded-postgres.md for what was measured and why not typeorm-pglite (no transaction
// isolation), and pglite-wire-server.ts for why our own wire server rather than pglite-socket's. One caveat
// holds here that real Postgres lacks: all connections share one PGlite session, so code inside a transaction
// must query through that transaction's manager only.
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGliteWireServer } from './pglite-wire-server';

/** The Postgres major the bundled PGlite runs (0.5: 18, 0.6: 19); a data directory opens only under its own. */
export const EMBEDDED_POSTGRES_MAJOR = '19';

/** A data directory this PGlite cannot open: the operator's to resolve, so the message says how. */
export class EmbeddedDataDirError extends Error {
  override readonly name = 'EmbeddedDataDirError';
}

/** Why `dataDir` cannot be opened by this build, or null (absent or empty: it will be created). */
export function dataDirMismatch(dataDir: string, pgVersion: string | null): string | null {
  if (pgVersion === null) return null;
  const found = pgVersion.trim();
  if (found === EMBEDDED_POSTGRES_MAJOR) return null;
  return (
    `the embedded database in ${dataDir} was made by Postgres ${found}; this relaymesh embeds Postgres ` +
    `${EMBEDDED_POSTGRES_MAJOR} (PGlite 0.6), which cannot open it. Keep that directory (it holds your channels, ` +
    'keys and usage): run the relaymesh that made it, or start this one with another RELAYMESH_DATA_DIR or ' +
    'with DATABASE_URL pointing at a Postgres server'
  );
}

export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGliteWireServer,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    mkdirSync(dataDir, { recursive: true });
    const versionFile = join(dataDir, 'PG_VERSION');
    const mismatch = dataDirMismatch(
      dataDir,
      existsSync(versionFile) ? readFileSync(versionFile, 'utf8') : null,
    );
    if (mismatch !== null) throw new EmbeddedDataDirError(mismatch);
    const db = await PGlite.create(dataDir);
    const server = new PGliteWireServer(db);
    const port = await server.listen();
    return new EmbeddedPostgres(db, server, `postgres://postgres@127.0.0.1:${port}/postgres`);
  }

  async stop(): Promise<void> {
    await this.server.close();
    await this.db.close();
  }
}
