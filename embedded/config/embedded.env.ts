// What the one-process launcher reads from the environment (each app then reads its own variables from the
// same source, with the launcher's embedded defaults filled in).
import { EnvSource, commonEnvShape, parseEnv } from '@relaymesh/app';
import { z } from 'zod';
import { AdminTokenSchema } from '../../apps/ingress/src';

export const embeddedEnvShape = {
  RELAYMESH_DATA_DIR: z.string().default('./data'),
  /** Unset: embedded Postgres (PGlite) under the data directory. */
  DATABASE_URL: z.string().optional(),
  /** Unset: the in-process transport instead of NATS. */
  NATS_URL: z.string().optional(),
  RELAYMESH_NATS_PREFIX: z.string().default(''),
  RELAYMESH_SECRET_KEY: z.string().optional(),
  /** Unset: one is made at first start and printed once. Same rule as standalone ingress. */
  RELAYMESH_ADMIN_TOKEN: AdminTokenSchema.optional(),
  /** Workers are processes; the embedded apps talk over an in-process bus that other processes cannot join. */
  RELAYMESH_INGRESS_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(
      1,
      'more than 1 needs the four-process deployment (ingress on NATS); npm start runs one ingress',
    )
    .optional(),
  /** `npm start` is for a person at a terminal: warnings and errors after the banner, unless asked for more. */
  LOG_LEVEL: commonEnvShape.LOG_LEVEL.unwrap().default('warn'),
};

/** Throws a readable error naming each bad variable (`relaymesh: invalid environment: ...`). */
export function loadEmbeddedEnv(source: EnvSource = process.env) {
  return parseEnv('relaymesh', embeddedEnvShape, source);
}
export type EmbeddedEnv = ReturnType<typeof loadEmbeddedEnv>;
