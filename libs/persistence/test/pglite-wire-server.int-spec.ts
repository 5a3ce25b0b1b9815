// The embedded wire server under concurrency: many pooled connections sending parameterised queries at once
// (each Parse/Bind/Execute/Sync must stay together), and concurrent read-modify-write transactions (a
// transaction owns the single PGlite session until it ends).
//
// PGlite loads its WASM through a dynamic import, which jest's VM does not allow: the server runs in a child
// process from the build (npm test builds first), exactly as `npm start` runs it.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { waitFor } from '@relaymesh/testing';

const BUILT = resolve(__dirname, '../../../dist/libs/persistence/src/embedded-postgres.js');

/** Opens a raw socket, completes start-up, sends `bytes`; resolves with all the server sent once it closes. */
async function sendRaw(url: string, bytes: Buffer): Promise<string> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    received.push(chunk);
    // ReadyForQuery after start-up: now the bytes under test.
    if (received.length === 1) socket.write(bytes);
  });
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(8 + params.length);
  startup.writeInt32BE(196608, 4);
  socket.write(Buffer.concat([startup, params]));
  await new Promise((done) => socket.once('close', done));
  return Buffer.concat(received).toString('latin1');
}

describe('PGliteWireServer', () => {
  let child: ChildProcess;
  let dataDir: string;
  let pools: Pool[];
  let url: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'relaymesh-pglite-'));
    child = spawn(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(BUILT)}).EmbeddedPostgres.start(${JSON.stringify(dataDir)}, { vacuumIntervalMs: 500 })` +
          '.then((pg) => console.log(pg.url))',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    url = await new Promise<string>((done, fail) => {
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

  it('makes a new data directory of the Postgres major it expects', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EMBEDDED_POSTGRES_MAJOR } = require(BUILT) as { EMBEDDED_POSTGRES_MAJOR: string };
    expect(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim()).toBe(EMBEDDED_POSTGRES_MAJOR);
  });

  it('refuses COPY with a clear error (PGlite would exit) and goes on serving', async () => {
    await pools[0].query('CREATE TABLE copied (a int)');
    await expect(pools[0].query('COPY copied FROM STDIN')).rejects.toMatchObject({
      code: '0A000',
      message: expect.stringContaining('does not support COPY'),
    });
    const { rows } = await pools[0].query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0].n).toBe(40);
  });

  it('refuses cursors inside a transaction, which stays usable', async () => {
    const client = await pools[1].connect();
    try {
      await client.query('BEGIN');
      await expect(client.query('DECLARE c CURSOR FOR SELECT 1')).rejects.toMatchObject({
        code: '0A000',
        message: expect.stringContaining('does not support cursors (DECLARE)'),
      });
      const { rows } = await client.query<{ n: number }>(
        'SELECT n FROM counter WHERE id = $1',
        [1],
      );
      expect(rows[0].n).toBe(40);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('answers a query Postgres refuses at Bind or at Execute with its error, and the connection serves the next', async () => {
    // The unit (Parse, Bind, Describe, Execute, Sync) goes into PGlite in one call: after the error Postgres
    // must skip to the Sync and answer ReadyForQuery within that call, or this connection would hang.
    const client = await pools[2].connect();
    try {
      await client.query('CREATE TABLE unique_ids (id int PRIMARY KEY)');
      await client.query('INSERT INTO unique_ids VALUES ($1)', [7]);
      await expect(client.query('INSERT INTO unique_ids VALUES ($1)', [7])).rejects.toMatchObject({
        code: '23505',
      });
      await expect(client.query('SELECT $1::int AS n', ['seven'])).rejects.toMatchObject({
        code: '22P02',
      });
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM unique_ids WHERE id = $1',
        [7],
      );
      expect(rows[0].n).toBe(1);
    } finally {
      client.release();
    }
  });

  it('closes a connection whose message length is impossible, and the others go on', async () => {
    // A length of -5: passed on, PGlite would spin inside WebAssembly and the whole process would hang.
    const answer = await sendRaw(url, Buffer.from([0x51, 0xff, 0xff, 0xff, 0xfb, 0x41, 0x42]));
    expect(answer).toContain('C08P01');
    expect(answer).toContain('invalid message length -5');
    const { rows } = await pools[2].query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0].n).toBe(40);
  });

  it("vacuums on its own, between the clients' units (autovacuum does not run in PGlite)", async () => {
    await pools[0].query('CREATE TABLE churn (id int PRIMARY KEY, n int NOT NULL)');
    await pools[0].query('INSERT INTO churn VALUES (1, 0)');
    for (let i = 0; i < 50; i++) {
      await pools[i % 4].query('UPDATE churn SET n = n + 1 WHERE id = 1');
    }
    await waitFor(
      async () => {
        const { rows } = await pools[1].query<{ last_vacuum: Date | null }>(
          "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'churn'",
        );
        return Boolean(rows[0]?.last_vacuum);
      },
      { what: 'a VACUUM of the churned table', timeoutMs: 20_000, intervalMs: 100 },
    );
  });
});
