// The declarative config file (RELAYMESH_CONFIG=relaymesh.yaml): channels and keys applied at start as an
// idempotent upsert by name. Each owning app applies its own section (router: channels; usage-ledger: keys).
// `${VAR}` anywhere in a string is replaced from the environment, so upstream keys need not sit in the file.
import { parse } from 'yaml';
import { z } from 'zod';
import { ChannelCreateSchema, KeyCreateSchema, ModelPriceConfigSchema } from '@relaymesh/contracts';

export const DeclarativeConfigSchema = z
  .object({
    channels: z.array(ChannelCreateSchema).default([]),
    keys: z.array(KeyCreateSchema).default([]),
    /** Model prices (usage-ledger), upserted by model name. */
    models: z.array(ModelPriceConfigSchema).default([]),
  })
  .strict();
export type DeclarativeConfig = z.infer<typeof DeclarativeConfigSchema>;

export class DeclarativeConfigError extends Error {}

function interpolate(value: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        throw new DeclarativeConfigError(`environment variable ${name} is not set`);
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}

export function parseDeclarativeConfig(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): DeclarativeConfig {
  const raw: unknown = parse(text) ?? {};
  const result = DeclarativeConfigSchema.safeParse(interpolate(raw, env));
  if (!result.success) {
    throw new DeclarativeConfigError(`invalid config file: ${z.prettifyError(result.error)}`);
  }
  const names = (items: { name: string }[]) => items.map((i) => i.name);
  for (const [section, list] of [
    ['channels', names(result.data.channels)],
    ['keys', names(result.data.keys)],
    ['models', result.data.models.map((m) => m.model)],
  ] as const) {
    const dupe = list.find((name, i) => list.indexOf(name) !== i);
    if (dupe) {
      throw new DeclarativeConfigError(
        `invalid config file: ${section} name '${dupe}' appears twice`,
      );
    }
  }
  return result.data;
}
