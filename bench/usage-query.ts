// How long GET /admin/usage's query and GET /admin/usage/summary's take on a usage table of a million rows (the
// repositories' own SQL, on the real Postgres): rows made with generate_series in a scratch schema migrated like
// the ledger's, then each query shape timed (median of 20 runs after a warm-up; 7 for the summaries).
//   node scripts/build.js && node dist/bench/usage-query.js [rows=1000000]
import 'reflect-metadata';
import {
  UsageQuery,
  UsageQuerySchema,
  UsageSummaryQuery,
  UsageSummaryQuerySchema,
} from '@relaymesh/contracts';
import { dataSourceOptions, openDatabase } from '@relaymesh/persistence';
import { TEST_DATABASE_URL, dropSchemasWithPrefix, uniqueTestId } from '@relaymesh/testing';
import {
  SqlUsageRepository,
  SqlUsageSummaryRepository,
  isSummaryIssue,
  planUsageSummary,
  usageLedgerMigrations,
} from '../apps/usage-ledger/src';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const KEYS = 1000;
const MODELS = 20;
const DAYS = 30;

async function main(): Promise<void> {
  const prefix = `${uniqueTestId('bench_usage')}_`;
  const schema = `${prefix}ledger`;
  const dataSource = await openDatabase(
    dataSourceOptions(
      { url: TEST_DATABASE_URL, schema, poolSize: 2 },
      { entities: [], migrations: usageLedgerMigrations },
    ),
  );
  try {
    const fill = performance.now();
    await dataSource.query(
      `INSERT INTO "${schema}".usage_records (id, request_id, key_id, channel_id, model, upstream_model, format,
         route, stream, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, status,
         latency_ms, ttft_ms, attempts, created_at)
       SELECT gen_random_uuid(), 'req-' || n, 'key-' || (n % ${KEYS}), 'ch-' || (n % 7), 'model-' || (n % ${MODELS}),
         'up-' || (n % ${MODELS}), 'openai', 'chat_completions', n % 2 = 0, 500 + n % 1000, 50 + n % 500, 0, 0,
         0.001, CASE WHEN n % 50 = 0 THEN 502 WHEN n % 97 = 0 THEN 429 ELSE 200 END, 100 + n % 900,
         CASE WHEN n % 2 = 0 THEN 20 + n % 300 END, 1,
         now() - (n * interval '${(DAYS * 86400) / ROWS} seconds')
       FROM generate_series(1, ${ROWS}) n`,
    );
    await dataSource.query(`ANALYZE "${schema}".usage_records`);
    console.log(`${ROWS} rows generated in ${((performance.now() - fill) / 1000).toFixed(1)} s`);

    const repository = new SqlUsageRepository(dataSource);
    const day = (d: number) => new Date(Date.now() - d * 86400_000).toISOString();
    const shapes: [string, Partial<UsageQuery>][] = [
      ['newest 100, no filter', {}],
      ['one key, newest 100', { key_id: 'key-42' }],
      ['one key, limit 1000', { key_id: 'key-42', limit: 1000 }],
      ['one key, a week ten days back', { key_id: 'key-42', since: day(17), until: day(10) }],
      ['one request id', { request_id: 'req-777777' }],
      ['one model, newest 100', { model: 'model-7' }],
      [
        'one key and model, a day',
        { key_id: 'key-42', model: 'model-2', since: day(3), until: day(2) },
      ],
      [
        'everything in an old hour',
        { since: day(20), until: new Date(Date.parse(day(20)) + 3600_000).toISOString() },
      ],
    ];
    for (const [name, query] of shapes) {
      const parsed = UsageQuerySchema.parse(query);
      await time(name, 20, async () => (await repository.query(parsed)).length);
    }

    const summaries = new SqlUsageSummaryRepository(dataSource);
    const summaryShapes: [string, Partial<UsageSummaryQuery>][] = [
      ['summary: by model per hour, a day', { group_by: 'model', interval: 'hour' }],
      ['summary: by key per day, 30 days', { group_by: 'key', interval: 'day', since: day(30) }],
      ['summary: one key per day, 30 days', { key_id: 'key-42', interval: 'day', since: day(30) }],
      [
        'summary: one channel by model, a week',
        { channel_id: 'ch-3', group_by: 'model', interval: 'day', since: day(7) },
      ],
      ['summary: errors per hour, a week', { status: 'error', interval: 'hour', since: day(7) }],
    ];
    for (const [name, query] of summaryShapes) {
      const plan = planUsageSummary(UsageSummaryQuerySchema.parse(query), Date.now());
      if (isSummaryIssue(plan)) throw new Error(`${name}: ${plan.message}`);
      await time(name, 7, async () => {
        const summary = await summaries.summarize(plan);
        return summary.totals.requests;
      });
    }
  } finally {
    await dataSource.destroy();
    await dropSchemasWithPrefix(TEST_DATABASE_URL, prefix);
  }
}

/** Runs `query` once to warm up, then `runs` times; prints the median and the slowest, and what it counted. */
async function time(name: string, runs: number, query: () => Promise<number>): Promise<void> {
  await query();
  const times: number[] = [];
  let count = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    count = await query();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(40)} ${String(count).padStart(7)} rows  median ${times[Math.floor(runs / 2)].toFixed(2)} ms  max ${times[runs - 1].toFixed(2)} ms`,
  );
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
