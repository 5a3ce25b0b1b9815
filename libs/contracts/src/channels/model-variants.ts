// Model variants and per-channel body overrides, as the admin API and the routing snapshot carry them.
// A variant is one upstream model sold under another public name with a different request
// (`claude-opus-4-6-thinking`: thinking on; `claude-sonnet-4-6-max`: a larger budget and output): a
// `model_mapping` entry may be `{model, overrides}` besides a plain upstream name, and a channel may switch on
// standard name suffixes (`variant_suffixes`: `-thinking`, `-high`, ...) that serve every model of the channel
// under `<model><suffix>` too. What the overrides mean for a request is libs/protocols' (hub/request-overrides.ts);
// here is only their shape.
import { z } from 'zod';
import { plainText } from '../admin/admin-fields';

/** The suffixes an operator can switch on per channel; their meaning is STANDARD_SUFFIX_RULES (libs/protocols). */
export const MODEL_VARIANT_SUFFIXES = [
  '-thinking',
  '-minimal',
  '-low',
  '-medium',
  '-high',
  '-max',
] as const;
export const ModelVariantSuffixSchema = z.enum(MODEL_VARIANT_SUFFIXES);
export type ModelVariantSuffix = z.infer<typeof ModelVariantSuffixSchema>;

/** A top-level body field name: what `extra_body` and `body_override` may set or remove. */
const BodyFieldSchema = plainText(200).refine(
  (name) => name !== 'model' && name !== 'stream',
  'model and stream are the gateway\u2019s to set (the routing and the client decide them)',
);

/** Bounded so that a stored override cannot grow every upstream request without limit. */
const BodyFieldsSchema = z.record(z.string(), z.unknown()).superRefine((fields, ctx) => {
  for (const name of Object.keys(fields)) {
    // Checked here rather than as the record's key schema, whose refusal would not say why.
    const named = BodyFieldSchema.safeParse(name);
    if (!named.success) {
      ctx.addIssue({ code: 'custom', path: [name], message: named.error.issues[0].message });
    }
  }
  if (JSON.stringify(fields).length > 32_768) {
    ctx.addIssue({ code: 'custom', message: 'must be at most 32 KB of JSON' });
  }
});

/** The request a variant stands for; each field wins over what the client asked. */
export const ModelOverridesSchema = z
  .object({
    /** Thinking on (with a budget, else the client's or a medium effort) or off. */
    thinking: z
      .object({
        enabled: z.boolean(),
        budget_tokens: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict()
      .refine(
        (thinking) => thinking.enabled || thinking.budget_tokens === undefined,
        'budget_tokens goes with enabled: true',
      )
      .optional(),
    reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).optional(),
    max_tokens: z.number().int().min(1).max(10_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** Top-level fields merged into the upstream body as they are (provider-specific settings). */
    extra_body: BodyFieldsSchema.optional(),
  })
  .strict();
export type ModelOverrides = z.infer<typeof ModelOverridesSchema>;

const ModelNameSchema = plainText(200);

const VariantEntrySchema = z
  .object({ model: ModelNameSchema, overrides: ModelOverridesSchema })
  .strict();

/**
 * A `model_mapping` value: the upstream name, or the upstream name with the overrides of a variant. Told apart by
 * type first, so that a refusal names the field at fault (a union would only say "Invalid input").
 */
export const ModelMappingEntrySchema = z
  .unknown()
  .transform((value, ctx): string | z.infer<typeof VariantEntrySchema> => {
    if (typeof value !== 'string' && (value === null || typeof value !== 'object')) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an upstream model name, or {"model": ..., "overrides": {...}}',
      });
      return z.NEVER;
    }
    const parsed =
      typeof value === 'string'
        ? ModelNameSchema.safeParse(value)
        : VariantEntrySchema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
    return z.NEVER;
  });
export type ModelMappingEntry = z.output<typeof ModelMappingEntrySchema>;

/** The upstream model name a mapping entry sends. */
export function mappedModel(entry: ModelMappingEntry): string {
  return typeof entry === 'string' ? entry : entry.model;
}

/** The overrides a mapping entry carries, or null for a plain name. */
export function mappedOverrides(entry: ModelMappingEntry): ModelOverrides | null {
  return typeof entry === 'string' ? null : entry.overrides;
}

/**
 * Body fields a channel sets on (or removes from) every generation request it is sent, pass-through and
 * translated alike (new-api's `param_override`): `set` wins over what the client and the translation put there.
 */
export const BodyOverrideSchema = z
  .object({
    set: BodyFieldsSchema.optional(),
    remove: z.array(BodyFieldSchema).max(100).optional(),
  })
  .strict();
export type BodyOverride = z.infer<typeof BodyOverrideSchema>;
