// The router's configuration: the one place it reads the environment, validated at boot.
import {
  EnvSource,
  commonEnvShape,
  databaseEnvShape,
  logLevelsFrom,
  parseEnv,
} from '@relaymesh/app';
import { z } from 'zod';

export class RouterEnv {
  constructor(
    readonly port: number,
    readonly natsUrl: string,
    readonly natsPrefix: string,
    readonly database: { url: string; schema: string; poolSize: number },
    readonly secretKey: string,
    readonly configFile: string | null,
    readonly logLevels: ReturnType<typeof logLevelsFrom>,
    /** The whole environment, for `${VAR}` references in the config file. */
    readonly variables: EnvSource,
  ) {}
}

export function loadRouterEnv(source: EnvSource = process.env): RouterEnv {
  const env = parseEnv(
    'router',
    {
      ...commonEnvShape,
      ...databaseEnvShape,
      PORT: z.coerce.number().int().min(0).max(65535).default(8081),
      RELAYMESH_SECRET_KEY: z
        .string()
        .min(16, 'RELAYMESH_SECRET_KEY is required (32 random bytes, base64)'),
      RELAYMESH_CONFIG: z.string().optional(),
    },
    source,
  );
  return new RouterEnv(
    env.PORT,
    env.NATS_URL,
    env.RELAYMESH_NATS_PREFIX,
    {
      url: env.DATABASE_URL,
      schema: `${env.RELAYMESH_DB_SCHEMA_PREFIX}router`,
      poolSize: env.RELAYMESH_DB_POOL_SIZE,
    },
    env.RELAYMESH_SECRET_KEY,
    env.RELAYMESH_CONFIG ?? null,
    logLevelsFrom(env.LOG_LEVEL),
    source,
  );
}
