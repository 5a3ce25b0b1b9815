// The embedded wire server under concurrency: many pooled connections sending parameterised queries at once
// (each Parse/Bind/Execute/Sync must stay together), and concurrent read-modify-write transactions (a
// transaction owns the single PGlite session until it ends).
//
// PGlite loads its WASM through a dynamic import, which jest's VM does not allow: the server runs in a child
// process from the build (npm test builds first), exactly as `npm start` runs it.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';

const BUILT = resolve(__dirname, '../../../dist/libs/persistence/src/embedded-postgres.js');

describe('PGliteWireServer', () => {
  let child: ChildProcess;
  let dataDir: string;
  let pools: Pool[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'relaymesh-pglite-'));
    child = spawn(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(BUILT)}).EmbeddedPostgres.start(${JSON.stringify(dataDir)})` +
          '.then((pg) => console.log(pg.url))',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const url = await new Promise<string>((done, fail) => {
      child.stdout!.once('data', (chunk: Buffer) => done(chunk.toString().trim()));
      child.once('exit', (code) => fail(new Error(`embedded Postgres exited with ${code}`)));
    });
    // Four apps' pools, as in embedded mode.
    pools = Array.from({ length: 4 }, () => new Pool({ connectionString: url, max: 5 }));
    await pools[0].query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    await pools[0].query('INSERT INTO counter VALUES (1, 0)');
  });

  afterAll(async () => {
    await Promise.all((pools ?? []).map((pool) => pool.end()));
    child?.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps each parameterised query whole when 400 run at once over 20 connections', async () => {
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        pools[i % 4].query<{ a: number; b: string; c: string }>(
          // Different statements and parameter counts, as when two apps interleave.
          i % 2 === 0
            ? 'SELECT $1::int AS a, $2::text AS b, $3::text AS c'
            : 'SELECT $1::int AS a, $2::text AS b, NULL::text AS c',
          i % 2 === 0 ? [i, `b${i}`, `c${i}`] : [i, `b${i}`],
        ),
      ),
    );
    results.forEach((result, i) => {
      expect(result.rows[0]).toEqual({ a: i, b: `b${i}`, c: i % 2 === 0 ? `c${i}` : null });
    });
  });

  it('isolates concurrent transactions: 50 read-modify-writes, none lost, rollbacks honoured', async () => {
    const increment = async (i: number) => {
      const client = await pools[i % 4].connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ n: number }>(
          'SELECT n FROM counter WHERE id = $1',
          [1],
        );
        await client.query('UPDATE counter SET n = $1 WHERE id = $2', [rows[0].n + 1, 1]);
        await client.query(i % 5 === 0 ? 'ROLLBACK' : 'COMMIT');
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => increment(i)));
    const { rows } = await pools[1].query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0].n).toBe(40);
  });

  it('rolls back the transaction of a connection that goes away, and serves the others', async () => {
    const client = await pools[2].connect();
    await client.query('BEGIN');
    await client.query('UPDATE counter SET n = n + 1000 WHERE id = 1');
    client.release(new Error('drop this connection'));
    const { rows } = await pools[3].query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0].n).toBe(40);
  });
});
