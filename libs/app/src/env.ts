// Environment fragments every app's own `config/<app>.env.ts` composes (each app still reads process.env in
// exactly one place; these only describe and validate the shared variables).
import { z } from 'zod';

export const commonEnvShape = {
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** Subject prefix on NATS, so deployments (and parallel test suites) can share a server. */
  RELAYMESH_NATS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/)
    .default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
};

export const databaseEnvShape = {
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/relaymesh'),
  /** Prefix of the per-app schemas (`<prefix>router`, ...); tests give each suite its own. */
  RELAYMESH_DB_SCHEMA_PREFIX: z
    .string()
    .regex(/^[a-z0-9_]*$/)
    .default(''),
  RELAYMESH_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
};

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A variable missing, malformed or at odds with another: the operator's to fix, so its message says it all. */
export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

export function parseEnv<S extends z.ZodRawShape>(app: string, shape: S, source: EnvSource) {
  const result = z.object(shape).safeParse(source);
  if (!result.success) {
    throw new InvalidEnvironmentError(
      `${app}: invalid environment:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}
