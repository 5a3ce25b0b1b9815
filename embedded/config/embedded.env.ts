// What the one-process launcher reads from the environment (each app then reads its own variables from the
// same source, with the launcher's embedded defaults filled in).
import { z } from 'zod';

export const EmbeddedEnvSchema = z.object({
  RELAYMESH_DATA_DIR: z.string().default('./data'),
  /** Unset: embedded Postgres (PGlite) under the data directory. */
  DATABASE_URL: z.string().optional(),
  /** Unset: the in-process transport instead of NATS. */
  NATS_URL: z.string().optional(),
  RELAYMESH_NATS_PREFIX: z.string().default(''),
  RELAYMESH_SECRET_KEY: z.string().optional(),
  RELAYMESH_ADMIN_TOKEN: z.string().optional(),
});
export type EmbeddedEnv = z.infer<typeof EmbeddedEnvSchema>;

export function loadEmbeddedEnv(
  source: Readonly<Record<string, string | undefined>> = process.env,
): EmbeddedEnv {
  return EmbeddedEnvSchema.parse(source);
}
