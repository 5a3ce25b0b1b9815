// The health-prober's configuration: the one place it reads the environment, validated at boot.
import {
  EnvSource,
  commonEnvShape,
  databaseEnvShape,
  logLevelsFrom,
  parseEnv,
} from '@relaymesh/messaging';
import { z } from 'zod';

export class HealthProberEnv {
  constructor(
    readonly port: number,
    readonly natsUrl: string,
    readonly natsPrefix: string,
    readonly database: { url: string; schema: string; poolSize: number },
    /** How often folded outcomes are written and published (they arrive per request; writes are batched). */
    readonly flushIntervalMs: number,
    readonly logLevels: ReturnType<typeof logLevelsFrom>,
  ) {}
}

export function loadHealthProberEnv(source: EnvSource = process.env): HealthProberEnv {
  const env = parseEnv(
    'health-prober',
    {
      ...commonEnvShape,
      ...databaseEnvShape,
      PORT: z.coerce.number().int().min(0).max(65535).default(8082),
      RELAYMESH_HEALTH_FLUSH_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    },
    source,
  );
  return new HealthProberEnv(
    env.PORT,
    env.NATS_URL,
    env.RELAYMESH_NATS_PREFIX,
    {
      url: env.DATABASE_URL,
      schema: `${env.RELAYMESH_DB_SCHEMA_PREFIX}prober`,
      poolSize: env.RELAYMESH_DB_POOL_SIZE,
    },
    env.RELAYMESH_HEALTH_FLUSH_MS,
    logLevelsFrom(env.LOG_LEVEL),
  );
}
