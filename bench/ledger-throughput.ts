// How many usage records per second the ledger commits (priced, written, key debited, acknowledged), on the
// real Postgres and NATS JetStream of this machine. N records are published first, then the ledger starts and
// drains them: the time to commit them all is the consumer's throughput, not the publisher's.
//   node scripts/build.js && node dist/bench/ledger-throughput.js [records=20000] [keys=20]
import 'reflect-metadata';
import { UsageRecord, UsageRecorded } from '@relaymesh/contracts';
import { JetStreamChannel } from '@relaymesh/messaging';
import { registry } from '@relaymesh/telemetry';
import {
  TEST_DATABASE_URL,
  TEST_NATS_URL,
  deleteStreamsWithPrefix,
  dropSchemasWithPrefix,
  uniqueTestId,
} from '@relaymesh/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadUsageLedgerEnv, startUsageLedger } from '../apps/usage-ledger/src';

const TOTAL = Number(process.argv[2] ?? 20_000);
const KEYS = Number(process.argv[3] ?? 20);

async function committed(): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find(
    (m) => m.name === 'relaymesh_ledger_records_total',
  );
  return (metric?.values ?? [])
    .filter((v) => v.labels['result'] === 'committed')
    .reduce((sum, v) => sum + v.value, 0);
}

async function main(): Promise<void> {
  const id = uniqueTestId('bench_ledger');
  const env = loadUsageLedgerEnv({
    DATABASE_URL: TEST_DATABASE_URL,
    RELAYMESH_DB_SCHEMA_PREFIX: `${id}_`,
    NATS_URL: TEST_NATS_URL,
    RELAYMESH_NATS_PREFIX: id,
    LOG_LEVEL: 'error',
  });
  const publisher = new JetStreamChannel({ url: TEST_NATS_URL, prefix: id, name: 'bench' });
  const pg = new Client({ connectionString: TEST_DATABASE_URL });
  await pg.connect();
  try {
    // Keys exist before the ledger consumes: start it once for its migrations, add keys and a price, stop it.
    let app = await startUsageLedger(
      env,
      { kind: 'nats', url: TEST_NATS_URL, prefix: id, name: 'bench' },
      false,
    );
    await app.close();
    const schema = `"${id}_ledger"`;
    const { rows: keys } = await pg.query<{ id: string }>(
      `INSERT INTO ${schema}.client_keys (name, key_hash, key_hint, unlimited, credit_usd)
       SELECT 'k' || n, md5(n::text || $1), 'sk-…', false, 1000000 FROM generate_series(1, $2) n RETURNING id`,
      [id, KEYS],
    );
    await pg.query(
      `INSERT INTO ${schema}.model_prices (model, input_usd_per_mtok, output_usd_per_mtok) VALUES ('bench', 3, 15)`,
    );

    const publishStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 256 }, async () => {
        while (next < TOTAL) {
          const n = next++;
          const record: UsageRecord = {
            id: randomUUID(),
            request_id: `bench-${n}`,
            key_id: keys[n % keys.length].id,
            channel_id: 'ch',
            model: 'bench',
            upstream_model: 'bench',
            format: 'openai',
            route: 'chat_completions',
            stream: n % 2 === 0,
            input_tokens: 500 + (n % 100),
            output_tokens: 50 + (n % 10),
            cache_read_tokens: n % 3 === 0 ? 100 : 0,
            cache_write_tokens: 0,
            status: 200,
            late_error: null,
            latency_ms: 120,
            ttft_ms: 30,
            referer: null,
            title: null,
            attempts: 1,
            created_at: new Date().toISOString(),
          };
          await publisher.publish(UsageRecorded, record, record.id);
        }
      }),
    );
    const publishSeconds = (performance.now() - publishStart) / 1000;

    const start = performance.now();
    app = await startUsageLedger(
      env,
      { kind: 'nats', url: TEST_NATS_URL, prefix: id, name: 'bench' },
      false,
    );
    while ((await committed()) < TOTAL) await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = (performance.now() - start) / 1000;
    await app.close();

    const { rows } = await pg.query<{ count: string; used: string; cost: string }>(
      `SELECT (SELECT count(*) FROM ${schema}.usage_records) AS count,
              (SELECT sum(used_usd) FROM ${schema}.client_keys) AS used,
              (SELECT sum(cost_usd) FROM ${schema}.usage_records) AS cost`,
    );
    console.log(
      `published ${TOTAL} records to JetStream in ${publishSeconds.toFixed(2)} s (${Math.round(TOTAL / publishSeconds)}/s, 256 in flight)`,
    );
    console.log(
      `ledger committed ${TOTAL} records over ${KEYS} keys in ${seconds.toFixed(2)} s: ${Math.round(TOTAL / seconds)} records/s ` +
        `(rows ${rows[0].count}, sum of costs ${rows[0].cost}, sum of debits ${rows[0].used})`,
    );
  } finally {
    await publisher.onApplicationShutdown();
    await pg.end();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, `${id}_`);
    await deleteStreamsWithPrefix(TEST_NATS_URL, id);
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
