// Embedded Postgres for `npm start`: PGlite (Postgres compiled to WASM) in this process, served on a loopback
// socket so TypeORM's ordinary `postgres` driver talks to it exactly as to a real server. See
// shared/notes/embedded-postgres.md for what was measured and why not typeorm-pglite (no transaction
// isolation), and pglite-wire-server.ts for why our own wire server rather than pglite-socket's. One caveat
// holds here that real Postgres lacks: all connections share one PGlite session, so code inside a transaction
// must query through that transaction's manager only.
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { PGliteWireServer } from './pglite-wire-server';

export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGliteWireServer,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    mkdirSync(dataDir, { recursive: true });
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
