// One DataSource per app, in the app's own schema (ARCHITECTURE: one database, one schema per app). The same
// code serves real Postgres and embedded PGlite (served over a local socket), only the URL differs.
import { DataSource, DataSourceOptions, MigrationInterface, QueryRunner } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseConfig {
  url: string;
  /** The app's schema, e.g. `router`; tests use a unique one per suite. */
  schema: string;
  poolSize: number;
}

type Constructor = new (...args: never[]) => unknown;

export function dataSourceOptions(
  config: DatabaseConfig,
  parts: { entities: Constructor[]; migrations: (new () => MigrationInterface)[] },
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    entities: parts.entities,
    migrations: parts.migrations,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    // PGlite has no uuid-ossp; migrations use the built-in gen_random_uuid() instead.
    installExtensions: false,
    extra: { max: config.poolSize, connectionTimeoutMillis: 10_000 },
  };
}

/** Connects, creates the schema if needed and applies pending migrations (each in its own transaction). */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  const schema = (options as { schema?: string }).schema;
  if (schema) await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** The quoted schema a migration runs in, so that migrations work in any schema (tests use their own). */
export function migrationSchema(queryRunner: QueryRunner): string {
  const schema = (queryRunner.dataSource.options as { schema?: string }).schema ?? 'public';
  return quoteIdent(schema);
}
