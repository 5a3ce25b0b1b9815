// What integration tests need around the real Postgres and NATS: where they are, names unique to one suite
// (suites run in parallel on the same servers), clean-up of a suite's schemas, and waiting for something that
// happens asynchronously with a deadline instead of a fixed sleep.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { Client } from 'pg';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

let counter = 0;

/**
 * `<label>_<time>_<random>`, lower case `[a-z0-9_]` only, so it is valid as a Postgres schema prefix and a NATS
 * subject token alike. Unique per call: the counter separates calls within this process, time and randomness
 * separate parallel jest workers.
 */
export function uniqueTestId(label: string): string {
  const clean = label
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const time = Date.now().toString(36);
  const random = randomBytes(4).toString('hex');
  counter += 1;
  return `${clean || 't'}_${time}${counter.toString(36)}_${random}`;
}

/** Drops every schema whose name starts with `prefix` (and everything in it). Returns the names dropped. */
export async function dropSchemasWithPrefix(url: string, prefix: string): Promise<string[]> {
  if (!prefix) {
    throw new Error(
      'dropSchemasWithPrefix: refusing an empty prefix (it would match every schema)',
    );
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // starts_with, not LIKE: `_` in our prefixes would be a LIKE wildcard.
    const { rows } = await client.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)',
      [prefix],
    );
    for (const { nspname } of rows) {
      await client.query(`DROP SCHEMA IF EXISTS "${nspname.replace(/"/g, '""')}" CASCADE`);
    }
    return rows.map((row) => row.nspname);
  } finally {
    await client.end();
  }
}

/** What `waitFor` resolves with: the probe's value, known to be truthy. */
export type Truthy<T> = Exclude<T, null | undefined | false | 0 | 0n | ''>;

export interface WaitForOptions {
  /** Said in the error when the deadline passes: "waited 5000 ms for <what>". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns something truthy and returns that; a probe that throws counts as "not yet".
 * After `timeoutMs` it throws, naming `what` and the probe's last error or value, so a test fails with a reason
 * instead of hanging until jest's own timeout.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { what, timeoutMs = 10_000, intervalMs = 25 }: WaitForOptions,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: { error: unknown } | { value: unknown } = { value: undefined };
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Truthy<T>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) {
      const detail =
        'error' in last
          ? `last error: ${last.error instanceof Error ? last.error.message : String(last.error)}`
          : `last value: ${describeValue(last.value)}`;
      throw new Error(`waited ${timeoutMs} ms for ${what}; ${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Deletes the JetStream streams of a suite (their names carry its subject prefix, upper-cased). */
export async function deleteStreamsWithPrefix(natsUrl: string, prefix: string): Promise<string[]> {
  if (!prefix) throw new Error('deleteStreamsWithPrefix: refusing an empty prefix');
  const nc = await connectNats({ servers: natsUrl, name: 'relaymesh-test-cleanup' });
  try {
    const jsm = await jetstreamManager(nc);
    const marker = prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase();
    const deleted: string[] = [];
    for (const info of await jsm.streams.list().next()) {
      if (info.config.name.includes(marker)) {
        await jsm.streams.delete(info.config.name);
        deleted.push(info.config.name);
      }
    }
    return deleted;
  } finally {
    await nc.close();
  }
}
