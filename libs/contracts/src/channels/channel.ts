// The channel as the admin API accepts it and reads it back (CONTRACT §2). Shared by ingress (HTTP edge
// validation) and the router (NATS edge validation and storage), so both sides agree on one shape.
import { z } from 'zod';

export const CHANNEL_TYPES = [
  'openai',
  'openai-compatible',
  'anthropic',
  'gemini',
  'mock',
] as const;
export const ChannelTypeSchema = z.enum(CHANNEL_TYPES);
export type ChannelType = z.infer<typeof ChannelTypeSchema>;

export const CHANNEL_STATUSES = ['enabled', 'manually_disabled', 'auto_disabled'] as const;
export const ChannelStatusSchema = z.enum(CHANNEL_STATUSES);
export type ChannelStatus = z.infer<typeof ChannelStatusSchema>;

/** `scheme://host[:port]`; a trailing `/v1` or `/v1beta` (and trailing slashes) is accepted and removed. */
export function normaliseBaseUrl(raw: string): string {
  return raw.replace(/\/+$/, '').replace(/\/(v1|v1beta)$/, '');
}

const BaseUrlSchema = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL such as https://api.openai.com')
  .transform(normaliseBaseUrl);

const NameSchema = z.string().trim().min(1).max(200);
const ModelNameSchema = z.string().trim().min(1).max(200);

export const DEFAULT_CHANNEL_TIMEOUT_MS = 300_000;

const channelFields = {
  type: ChannelTypeSchema,
  base_url: BaseUrlSchema,
  keys: z.array(z.string().min(1).max(4096)).max(100),
  models: z.array(ModelNameSchema).max(1000),
  model_mapping: z.record(ModelNameSchema, ModelNameSchema),
  groups: z.array(z.string().trim().min(1).max(100)).min(1).max(100),
  priority: z.number().int().min(-1_000_000).max(1_000_000),
  weight: z.number().int().min(0).max(1_000_000),
  enabled: z.boolean(),
  timeout_ms: z.number().int().min(100).max(3_600_000),
  headers: z.record(z.string().min(1).max(200), z.string().max(8192)),
};

export const ChannelCreateSchema = z
  .object({
    name: NameSchema,
    type: channelFields.type,
    base_url: channelFields.base_url.optional(),
    keys: channelFields.keys.default([]),
    models: channelFields.models.default([]),
    model_mapping: channelFields.model_mapping.default({}),
    groups: channelFields.groups.default(['default']),
    priority: channelFields.priority.default(0),
    weight: channelFields.weight.default(1),
    enabled: channelFields.enabled.default(true),
    timeout_ms: channelFields.timeout_ms.default(DEFAULT_CHANNEL_TIMEOUT_MS),
    headers: channelFields.headers.default({}),
  })
  .strict()
  .superRefine((channel, ctx) => {
    if (channel.type !== 'mock' && channel.keys.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['keys'],
        message: 'at least one upstream key is required',
      });
    }
    if (channel.type !== 'mock' && !channel.base_url) {
      ctx.addIssue({
        code: 'custom',
        path: ['base_url'],
        message: 'required for this channel type',
      });
    }
  });
export type ChannelCreate = z.infer<typeof ChannelCreateSchema>;

export const ChannelPatchSchema = z
  .object({
    name: NameSchema,
    type: channelFields.type,
    base_url: channelFields.base_url,
    keys: channelFields.keys,
    models: channelFields.models,
    model_mapping: channelFields.model_mapping,
    groups: channelFields.groups,
    priority: channelFields.priority,
    weight: channelFields.weight,
    enabled: channelFields.enabled,
    timeout_ms: channelFields.timeout_ms,
    headers: channelFields.headers,
  })
  .partial()
  .strict();
export type ChannelPatch = z.infer<typeof ChannelPatchSchema>;

/**
 * The health-prober's view: `ejected` (transient faults) and `disabled` (a bad key, an exhausted quota) are out
 * of rotation (status `auto_disabled`); `recovering` is back in at reduced weight after passing its probes.
 */
export const HealthStateSchema = z.enum([
  'unknown',
  'healthy',
  'degraded',
  'ejected',
  'disabled',
  'recovering',
]);
export type HealthState = z.infer<typeof HealthStateSchema>;

export const ChannelHealthSchema = z.object({
  state: HealthStateSchema,
  last_error: z.string().nullable(),
  last_checked_at: z.string().nullable(),
  consecutive_failures: z.number().int().min(0),
  latency_ms: z.number().nullable(),
  disabled_at: z.string().nullable(),
  reason: z.string().nullable(),
});
export type ChannelHealth = z.infer<typeof ChannelHealthSchema>;

export const UNKNOWN_HEALTH: ChannelHealth = {
  state: 'unknown',
  last_error: null,
  last_checked_at: null,
  consecutive_failures: 0,
  latency_ms: null,
  disabled_at: null,
  reason: null,
};

/** A channel as the admin API reads it back: keys redacted, with status and health. */
export const ChannelViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: ChannelTypeSchema,
  base_url: z.string().nullable(),
  keys: z.array(z.string()),
  models: z.array(z.string()),
  model_mapping: z.record(z.string(), z.string()),
  groups: z.array(z.string()),
  priority: z.number(),
  weight: z.number(),
  enabled: z.boolean(),
  timeout_ms: z.number(),
  headers: z.record(z.string(), z.string()),
  status: ChannelStatusSchema,
  health: ChannelHealthSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type ChannelView = z.infer<typeof ChannelViewSchema>;
