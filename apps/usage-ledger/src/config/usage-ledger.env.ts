// The usage-ledger's configuration: the one place it reads the environment, validated at boot.
import {
  EnvSource,
  commonEnvShape,
  databaseEnvShape,
  logLevelsFrom,
  parseEnv,
} from '@relaymesh/app';
import { z } from 'zod';

export class UsageLedgerEnv {
  constructor(
    readonly port: number,
    readonly natsUrl: string,
    readonly natsPrefix: string,
    readonly database: { url: string; schema: string; poolSize: number },
    readonly configFile: string | null,
    readonly logLevels: ReturnType<typeof logLevelsFrom>,
    /** The whole environment, for `${VAR}` references in the config file. */
    readonly variables: EnvSource,
    /** How long logged request/answer bodies (issue 19) are kept before the periodic prune deletes them. */
    readonly bodyLogRetentionMs: number = 72 * 3_600_000,
  ) {}
}

export function loadUsageLedgerEnv(source: EnvSource = process.env): UsageLedgerEnv {
  const env = parseEnv(
    'usage-ledger',
    {
      ...commonEnvShape,
      ...databaseEnvShape,
      PORT: z.coerce.number().int().min(0).max(65535).default(8083),
      RELAYMESH_CONFIG: z.string().optional(),
      RELAYMESH_BODY_LOG_RETENTION_HOURS: z.coerce.number().min(0).max(87_600).default(72),
    },
    source,
  );
  return new UsageLedgerEnv(
    env.PORT,
    env.NATS_URL,
    env.RELAYMESH_NATS_PREFIX,
    {
      url: env.DATABASE_URL,
      schema: `${env.RELAYMESH_DB_SCHEMA_PREFIX}ledger`,
      poolSize: env.RELAYMESH_DB_POOL_SIZE,
    },
    env.RELAYMESH_CONFIG ?? null,
    logLevelsFrom(env.LOG_LEVEL),
    source,
    env.RELAYMESH_BODY_LOG_RETENTION_HOURS * 3_600_000,
  );
}
