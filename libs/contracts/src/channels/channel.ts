// The channel as the admin API accepts it and reads it back (CONTRACT §2). Shared by ingress (HTTP edge
// validation) and the router (NATS edge validation and storage), so both sides agree on one shape.
import { z } from 'zod';
import { CredentialSchema, HeadersSchema, isPlainText, plainText } from '../admin/admin-fields';
import {
  BodyOverrideSchema,
  ModelMappingEntrySchema,
  ModelVariantSuffixSchema,
} from './model-variants';

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

/**
 * `scheme://host[:port][/prefix]`; a trailing `/v1` or `/v1beta` (and trailing slashes) is accepted and removed.
 * A path is a prefix the adapters' paths go under (`https://openrouter.ai/api` → `/api/v1/chat/completions`).
 */
export function normaliseBaseUrl(raw: string): string {
  return raw.replace(/\/+$/, '').replace(/\/(v1|v1beta)$/, '');
}

/** Where a channel's requests go: the origin a connection pool is opened to, and the path they go under. */
export function splitBaseUrl(baseUrl: string): { origin: string; pathPrefix: string } {
  const url = new URL(baseUrl);
  return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

const BaseUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, ctx) => {
    const refuse = (message: string) => ctx.addIssue({ code: 'custom', message });
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return refuse('must be an absolute http(s) URL such as https://api.openai.com');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return refuse('must be an absolute http(s) URL such as https://api.openai.com');
    }
    if (url.username !== '' || url.password !== '') {
      // They would be stored and read back in clear, and the HTTP client does not send them anyway.
      return refuse(
        'must not carry credentials (user:password@): put the upstream key in keys, or a header in secret_headers',
      );
    }
    if (value.includes('?') || value.includes('#')) {
      return refuse('must not have a query (?...) or a fragment (#...)');
    }
    if (!isPlainText(value) || /\s/.test(value)) {
      return refuse('must not contain spaces or control characters');
    }
  })
  .transform(normaliseBaseUrl);

const NameSchema = plainText(200);
const ModelNameSchema = plainText(200);

/** Header names whose values are credentials: read back redacted, and redacted from upstream text. */
const SENSITIVE_HEADER = /authorization|api[-_]?key|token|secret|cookie|password/i;

export function isSensitiveHeaderName(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

export const DEFAULT_CHANNEL_TIMEOUT_MS = 300_000;

/**
 * What a channel does with a Responses client's hosted tools (`file_search`, `code_interpreter`, ...) that its
 * provider has no equivalent for: `drop` them and say so (the `x-relaymesh-dropped-tools` header, the usage
 * record's `dropped_tools`), which lets a coding agent that always declares them work; or `refuse` the request
 * with a 400 naming them.
 */
export const HOSTED_TOOL_POLICIES = ['drop', 'refuse'] as const;
export const HostedToolPolicySchema = z.enum(HOSTED_TOOL_POLICIES);
export type HostedToolPolicy = z.infer<typeof HostedToolPolicySchema>;

const channelFields = {
  type: ChannelTypeSchema,
  base_url: BaseUrlSchema,
  keys: z.array(CredentialSchema).max(100),
  models: z.array(ModelNameSchema).max(1000),
  /** `{public: upstream}` or `{public: {model: upstream, overrides}}` (a variant, model-variants.ts). */
  model_mapping: z.record(ModelNameSchema, ModelMappingEntrySchema),
  /** Standard suffixes that serve every model of the channel under `<model><suffix>` as a variant. */
  variant_suffixes: z.array(ModelVariantSuffixSchema).max(20),
  /** Body fields set on or removed from every generation request sent to the channel. */
  body_override: BodyOverrideSchema,
  groups: z.array(plainText(100)).min(1).max(100),
  priority: z.number().int().min(-1_000_000).max(1_000_000),
  weight: z.number().int().min(0).max(1_000_000),
  enabled: z.boolean(),
  timeout_ms: z.number().int().min(100).max(3_600_000),
  headers: HeadersSchema,
  /** Headers whose values are secrets (an org token, a proxy credential): stored encrypted, read back redacted. */
  secret_headers: HeadersSchema,
  /**
   * An `openai-compatible` server that serves `/v1/responses` too: Responses clients are passed through to it
   * instead of translated through Chat Completions (`openai` channels always are).
   */
  responses_api: z.boolean(),
  hosted_tools: HostedToolPolicySchema,
};

/** `responses_api` says something only of the OpenAI types; elsewhere it would be silently meaningless. */
export function responsesApiFault(type: ChannelType, responsesApi: boolean): string | null {
  return responsesApi && type !== 'openai' && type !== 'openai-compatible'
    ? 'responses_api: only an openai or openai-compatible channel can serve the Responses API'
    : null;
}

export const ChannelCreateSchema = z
  .object({
    name: NameSchema,
    type: channelFields.type,
    base_url: channelFields.base_url.optional(),
    keys: channelFields.keys.default([]),
    models: channelFields.models.default([]),
    model_mapping: channelFields.model_mapping.default({}),
    variant_suffixes: channelFields.variant_suffixes.default([]),
    body_override: channelFields.body_override.default({}),
    groups: channelFields.groups.default(['default']),
    priority: channelFields.priority.default(0),
    weight: channelFields.weight.default(1),
    enabled: channelFields.enabled.default(true),
    timeout_ms: channelFields.timeout_ms.default(DEFAULT_CHANNEL_TIMEOUT_MS),
    headers: channelFields.headers.default({}),
    secret_headers: channelFields.secret_headers.default({}),
    responses_api: channelFields.responses_api.default(false),
    hosted_tools: channelFields.hosted_tools.default('drop'),
  })
  .strict()
  .superRefine((channel, ctx) => {
    if (responsesApiFault(channel.type, channel.responses_api)) {
      ctx.addIssue({
        code: 'custom',
        path: ['responses_api'],
        message: 'only an openai or openai-compatible channel can serve the Responses API',
      });
    }
    const twice = headersInBoth(channel.headers, channel.secret_headers);
    if (twice) {
      ctx.addIssue({
        code: 'custom',
        path: ['secret_headers', twice],
        message: 'is also in headers: a header is either plain or secret',
      });
    }
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
    variant_suffixes: channelFields.variant_suffixes,
    body_override: channelFields.body_override,
    groups: channelFields.groups,
    priority: channelFields.priority,
    weight: channelFields.weight,
    enabled: channelFields.enabled,
    timeout_ms: channelFields.timeout_ms,
    headers: channelFields.headers,
    secret_headers: channelFields.secret_headers,
    responses_api: channelFields.responses_api,
    hosted_tools: channelFields.hosted_tools,
  })
  .partial()
  .strict();
export type ChannelPatch = z.infer<typeof ChannelPatchSchema>;

/** A header name present in both sets (case-insensitive), or null. */
export function headersInBoth(
  headers: Readonly<Record<string, unknown>>,
  secretHeaders: Readonly<Record<string, unknown>>,
): string | null {
  const plain = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  return Object.keys(secretHeaders).find((name) => plain.has(name.toLowerCase())) ?? null;
}

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

/** A channel as the admin API reads it back: keys and secret headers redacted, with status and health. */
export const ChannelViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: ChannelTypeSchema,
  base_url: z.string().nullable(),
  keys: z.array(z.string()),
  models: z.array(z.string()),
  model_mapping: z.record(z.string(), ModelMappingEntrySchema),
  variant_suffixes: z.array(ModelVariantSuffixSchema),
  body_override: BodyOverrideSchema,
  groups: z.array(z.string()),
  priority: z.number(),
  weight: z.number(),
  enabled: z.boolean(),
  timeout_ms: z.number(),
  headers: z.record(z.string(), z.string()),
  /** Names with redacted values (`sk-…abcd`), like `keys`. */
  secret_headers: z.record(z.string(), z.string()),
  responses_api: z.boolean(),
  hosted_tools: HostedToolPolicySchema,
  status: ChannelStatusSchema,
  health: ChannelHealthSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type ChannelView = z.infer<typeof ChannelViewSchema>;
