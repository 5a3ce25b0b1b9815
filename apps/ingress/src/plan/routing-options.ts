// The gateway's own request extensions (CONTRACT §1; stripped before forwarding): a cross-model fallback chain
// (`models: [...]` as OpenRouter spells it, `fallbacks: [...]` as LiteLLM does) and OpenRouter's `provider`
// preferences. Read from any format's body (harmless where the format has no such field). Pure.
import { NO_PREFERENCES, ProviderPreferences } from '@relaymesh/routing';
import { z } from 'zod';

const ModelList = z.array(z.string().trim().min(1).max(200)).max(20);
const ProviderList = z.array(z.string().trim().min(1).max(200)).max(50);

const ProviderSchema = z
  .object({
    order: ProviderList.optional(),
    only: ProviderList.optional(),
    ignore: ProviderList.optional(),
    allow_fallbacks: z.boolean().optional(),
    sort: z.enum(['price', 'latency', 'throughput']).optional(),
  })
  // OpenRouter has more knobs (data_collection, quantizations, ...): accepted and ignored, not refused.
  .loose();

export interface RoutingOptions {
  /** The models to try in order: the requested one first, then the fallbacks, once each. */
  models: string[];
  preferences: ProviderPreferences;
}

export type RoutingOptionsResult =
  { ok: true; options: RoutingOptions } | { ok: false; param: string; message: string };

export function routingOptions(
  body: Readonly<Record<string, unknown>>,
  model: string,
): RoutingOptionsResult {
  const chain = [model];
  for (const field of ['models', 'fallbacks'] as const) {
    if (body[field] === undefined || body[field] === null) continue;
    const parsed = ModelList.safeParse(body[field]);
    if (!parsed.success) {
      return {
        ok: false,
        param: field,
        message: `'${field}' must be a list of at most 20 model names.`,
      };
    }
    chain.push(...parsed.data);
  }
  let preferences = NO_PREFERENCES;
  if (body['provider'] !== undefined && body['provider'] !== null) {
    const parsed = ProviderSchema.safeParse(body['provider']);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        param: ['provider', ...(issue?.path ?? [])].join('.'),
        message: `Invalid 'provider' preferences: ${issue?.message ?? 'malformed'}.`,
      };
    }
    const p = parsed.data;
    preferences = {
      order: p.order ?? [],
      only: p.only ?? [],
      ignore: p.ignore ?? [],
      allowFallbacks: p.allow_fallbacks ?? true,
      sort: p.sort ?? null,
    };
  }
  return { ok: true, options: { models: [...new Set(chain)], preferences } };
}
