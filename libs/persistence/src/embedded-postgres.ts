// Embedded Postgres for `npm start`: PGlite (Postgres compiled to WASM) in this process, served on a loopback
// socket by pglite-socket so TypeORM's ordinary `postgres` driver talks to it exactly as to a real server.
// See shared/notes/embedded-postgres.md for what was measured and why not typeorm-pglite (no transaction
// isolation). One caveat holds here that real Postgres lacks: all socket connections share one PGlite
// session, so code inside a transaction must query through that transaction's manager only.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  static async start(dataDir: string, maxConnections = 32): Promise<EmbeddedPostgres> {
    mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    const port = await freeLoopbackPort();
    // pglite-socket defaults to one connection and drops the rest; our pools need several.
    const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections });
    await server.start();
    return new EmbeddedPostgres(db, server, `postgres://postgres@127.0.0.1:${port}/postgres`);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
