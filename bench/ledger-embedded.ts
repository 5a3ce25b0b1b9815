// What the ledger's write path costs in embedded mode, per usage record: the real commit (SqlUsageRepository:
// insert, lock, debit, leases, in one transaction) against the embedded Postgres child (PGlite behind the wire
// server, `--liftoff-only`), one key with a credit lease, as `npm start` runs it. Prints the CPU time per record of
// the Postgres child (from /proc) and of this process (the client side: TypeORM, node-postgres, the JSON of the
// batch). The gateway bench shows the same costs inside its `cpu ms/req`, but under its scatter; this isolates them.
//   node scripts/build.js && node dist/bench/ledger-embedded.js [batches=250] [records per batch=40]
import 'reflect-metadata';
import { UsageRecord } from '@relaymesh/contracts';
import { EmbeddedPostgres, dataSourceOptions, openDatabase } from '@relaymesh/persistence';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlUsageRepository, usageLedgerMigrations } from '../apps/usage-ledger/src';
import { cpuSeconds } from './gateway/proc-stat';

const BATCHES = Number(process.argv[2] ?? 250);
const PER_BATCH = Number(process.argv[3] ?? 40);
const WARM_UP_BATCHES = 20;
const HOLDER = 'ingress-bench';

/** A record as ingress publishes one for a served non-stream chat request. */
function usageRecord(keyId: string): UsageRecord {
  const channel = 'b1a1c0de-0000-4000-8000-000000000001';
  return {
    id: randomUUID(),
    request_id: `req_${randomUUID()}`,
    key_id: keyId,
    channel_id: channel,
    model: 'gpt-4o-mini',
    upstream_model: 'gpt-4o-mini',
    format: 'openai',
    route: 'chat_completions',
    stream: false,
    input_tokens: 12,
    output_tokens: 20,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    status: 200,
    late_error: null,
    latency_ms: 1.2,
    ttft_ms: null,
    referer: null,
    title: null,
    attempts: 1,
    attempt_log: [
      {
        channel_id: channel,
        model: 'gpt-4o-mini',
        upstream_model: 'gpt-4o-mini',
        status: 200,
        error_class: 'none',
        started_ms: 0.1,
        duration_ms: 1.1,
      },
    ],
    dropped_tools: [],
    credit_holder: HOLDER,
    created_at: new Date().toISOString(),
  };
}

function cpuMs(pid: number): number {
  const { user, system } = cpuSeconds(pid);
  return (user + system) * 1000;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relaymesh-bench-ledger-'));
  const postgres = await EmbeddedPostgres.start(dataDir, { vacuumIntervalMs: 0 });
  const dataSource = await openDatabase(
    dataSourceOptions(
      { url: postgres.url, schema: 'ledger', poolSize: 4 },
      { entities: [], migrations: usageLedgerMigrations },
    ),
  );
  try {
    const [{ id: keyId }] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO ledger.client_keys (name, key_hash, key_hint, unlimited, credit_usd)
       VALUES ('bench', 'bench', 'sk-…', false, 1000000) RETURNING id`,
    );
    await dataSource.query(
      `INSERT INTO ledger.credit_leases (key_id, holder, held_usd, expires_at)
       VALUES ($1, $2, 1000, now() + interval '1 day')`,
      [keyId, HOLDER],
    );
    const usage = new SqlUsageRepository(dataSource);
    const commit = async (batches: number) => {
      for (let i = 0; i < batches; i++) {
        await usage.commit(
          Array.from({ length: PER_BATCH }, () => ({ record: usageRecord(keyId), costUsd: 1e-5 })),
        );
      }
    };
    await commit(WARM_UP_BATCHES);
    const pid = postgres.pid!;
    const childBefore = cpuMs(pid);
    const selfBefore = cpuMs(process.pid);
    const started = performance.now();
    await commit(BATCHES);
    const records = BATCHES * PER_BATCH;
    const child = (cpuMs(pid) - childBefore) / records;
    const client = (cpuMs(process.pid) - selfBefore) / records;
    console.log(
      `${records} records in batches of ${PER_BATCH}: embedded Postgres ${child.toFixed(3)} ms CPU per record, ` +
        `client ${client.toFixed(3)} ms, ${((performance.now() - started) / BATCHES).toFixed(1)} ms per batch ` +
        `(load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`,
    );
  } finally {
    await dataSource.destroy();
    await postgres.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
