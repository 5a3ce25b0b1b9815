// The app's DataSource as a Nest module: connects, creates the schema, runs the app's migrations at start
// (never synchronize), and tells /readyz whether the database answers. Repositories inject `DataSource`
// (`@InjectDataSource()`, the default token: the class).
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { readiness } from '@relaymesh/telemetry';
import { DataSource, DataSourceOptions, MigrationInterface } from 'typeorm';
import { DatabaseConfig, dataSourceOptions, openDatabase } from './database';

type Constructor = new (...args: never[]) => unknown;

const READY_QUERY_TIMEOUT_MS = 2_000;

@Module({})
export class DatabaseModule {
  static forRoot(
    app: string,
    config: DatabaseConfig,
    parts: { entities: Constructor[]; migrations: (new () => MigrationInterface)[] },
  ): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          // Named after the app: embedded mode runs several apps' DataSources in one process, and
          // @nestjs/typeorm warns about a second one of the same name (its registry is process-wide).
          name: app,
          useFactory: () => dataSourceOptions(config, parts),
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const dataSource = await openDatabase(options!);
            readiness.register(`${app}:database`, () => isAnswering(dataSource), {
              app,
              dependency: 'postgres',
            });
            return dataSource;
          },
        }),
      ],
      // The app's one DataSource under its class, whatever its name.
      providers: [{ provide: DataSource, useExisting: getDataSourceToken(app) }],
      exports: [DataSource],
    };
  }
}

async function isAnswering(dataSource: DataSource): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      dataSource.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), READY_QUERY_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
