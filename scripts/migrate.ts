// `npm run migration:run` (and the Kubernetes migration Job): applies every app's TypeORM migrations to
// DATABASE_URL, each app in its own schema, then exits 0 (non-zero on any failure). It reads the schema names
// from the apps' own environment loaders and applies the apps' own migration lists through the same
// `openDatabase` the apps call at start, so the Job and the apps cannot disagree; an app that starts after the
// Job finds nothing pending. (A launcher like embedded/main.ts, hence the imports from apps/.)
import 'reflect-metadata';
import {
  DatabaseConfig,
  dataSourceOptions,
  openDatabase,
  quoteIdent,
} from '@relaymesh/persistence';
import { MigrationInterface } from 'typeorm';
import { healthProberMigrations, loadHealthProberEnv } from '../apps/health-prober/src';
import { loadRouterEnv, routerMigrations } from '../apps/router/src';
import { loadUsageLedgerEnv, usageLedgerMigrations } from '../apps/usage-ledger/src';

interface AppSchema {
  app: string;
  database: DatabaseConfig;
  migrations: (new () => MigrationInterface)[];
}

function appSchemas(): AppSchema[] {
  return [
    { app: 'router', database: loadRouterEnv().database, migrations: routerMigrations },
    {
      app: 'usage-ledger',
      database: loadUsageLedgerEnv().database,
      migrations: usageLedgerMigrations,
    },
    {
      app: 'health-prober',
      database: loadHealthProberEnv().database,
      migrations: healthProberMigrations,
    },
  ];
}

async function main(): Promise<void> {
  // One after the other: each app's migrations run in their own transactions, in order.
  for (const { app, database, migrations } of appSchemas()) {
    const dataSource = await openDatabase(
      dataSourceOptions({ ...database, poolSize: 1 }, { entities: [], migrations }),
    );
    try {
      const rows = await dataSource.query<{ applied: number }[]>(
        `SELECT count(*)::int AS applied FROM ${quoteIdent(database.schema)}.migrations`,
      );
      console.log(
        `migrate: ${app}: schema ${database.schema} up to date (${rows[0].applied} of ${migrations.length} migrations applied)`,
      );
    } finally {
      await dataSource.destroy();
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`migrate: failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
