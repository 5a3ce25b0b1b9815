// The router's configuration: the one place it reads the environment, validated at boot.
import {
  EnvSource,
  commonEnvShape,
  databaseEnvShape,
  logLevelsFrom,
  parseEnv,
} from '@relaymesh/app';
import { MODEL_VARIANT_SUFFIXES, ModelVariantSuffix } from '@relaymesh/contracts';
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
    /** Variant suffixes switched on for every channel, besides each channel's own (`variant_suffixes`). */
    readonly variantSuffixes: readonly ModelVariantSuffix[] = [],
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
      RELAYMESH_VARIANT_SUFFIXES: z
        .string()
        .default('')
        .transform((list) =>
          list
            .split(',')
            .map((suffix) => suffix.trim())
            .filter((suffix) => suffix !== ''),
        )
        .pipe(z.array(z.enum(MODEL_VARIANT_SUFFIXES))),
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
    env.RELAYMESH_VARIANT_SUFFIXES,
  );
}
