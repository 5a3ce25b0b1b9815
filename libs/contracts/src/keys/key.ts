// Client keys (owned by the usage-ledger): the admin shapes, the record ingress caches, and the messages that
// keep every ingress replica's cache current.
import { z } from 'zod';
import { DateTimeSchema, MAX_USD, plainText } from '../admin/admin-fields';
import { defineEvent, defineRequest } from '../define';

const Cidr = z
  .string()
  .trim()
  .regex(
    /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+(\/\d{1,3})?)$/,
    'must be an IPv4/IPv6 address or CIDR',
  );

const keyFields = {
  name: plainText(200),
  group: plainText(100),
  credit_usd: z.number().min(0).max(MAX_USD),
  unlimited: z.boolean(),
  models: z.array(plainText(200)).max(1000),
  allow_ips: z.array(Cidr).max(1000),
  rpm: z.number().int().min(1).max(1e9).nullable(),
  tpm: z.number().int().min(1).max(1e12).nullable(),
  expires_at: DateTimeSchema.nullable(),
  enabled: z.boolean(),
  /** A spending cap per calendar period (UTC) beside the lifetime credit; null for none. */
  budget_usd: z.number().min(0).max(MAX_USD).nullable(),
  budget_period: z.enum(['day', 'week', 'month']).nullable(),
};

/** A budget needs its period and a period its budget. */
function budgetComplete(key: {
  budget_usd?: number | null;
  budget_period?: string | null;
}): boolean {
  return (key.budget_usd ?? null) === null
    ? (key.budget_period ?? null) === null
    : (key.budget_period ?? null) !== null;
}
const BUDGET_INCOMPLETE = {
  message: 'budget_usd and budget_period go together: set both, or both to null',
  path: ['budget_period'],
};

export const KeyCreateSchema = z
  .object({
    name: keyFields.name,
    group: keyFields.group.default('default'),
    credit_usd: keyFields.credit_usd.optional(),
    unlimited: keyFields.unlimited.optional(),
    models: keyFields.models.default([]),
    allow_ips: keyFields.allow_ips.default([]),
    rpm: keyFields.rpm.default(null),
    tpm: keyFields.tpm.default(null),
    expires_at: keyFields.expires_at.default(null),
    enabled: keyFields.enabled.default(true),
    budget_usd: keyFields.budget_usd.default(null),
    budget_period: keyFields.budget_period.default(null),
    /** Only from the declarative config file: a key value chosen by the operator (stored hashed). */
    key: z
      .string()
      .min(20)
      .max(500)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces or line breaks')
      .optional(),
  })
  .strict()
  .refine(budgetComplete, BUDGET_INCOMPLETE);
export type KeyCreate = z.infer<typeof KeyCreateSchema>;

export const KeyPatchSchema = z
  .object({
    name: keyFields.name,
    group: keyFields.group,
    credit_usd: keyFields.credit_usd,
    unlimited: keyFields.unlimited,
    models: keyFields.models,
    allow_ips: keyFields.allow_ips,
    rpm: keyFields.rpm,
    tpm: keyFields.tpm,
    expires_at: keyFields.expires_at,
    enabled: keyFields.enabled,
    budget_usd: keyFields.budget_usd,
    budget_period: keyFields.budget_period,
  })
  .partial()
  .strict()
  // A patch naming one of the two must name the other: the pair is checked whole.
  .refine(
    (patch) =>
      (patch.budget_usd === undefined && patch.budget_period === undefined) ||
      budgetComplete(patch),
    BUDGET_INCOMPLETE,
  );
export type KeyPatch = z.infer<typeof KeyPatchSchema>;

/** A key as the admin API reads it back (the secret itself is never stored, only its hash). */
export const KeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  key_hint: z.string(),
  group: z.string(),
  unlimited: z.boolean(),
  credit_usd: z.number(),
  used_usd: z.number(),
  remaining_usd: z.number().nullable(),
  models: z.array(z.string()),
  allow_ips: z.array(z.string()),
  rpm: z.number().nullable(),
  tpm: z.number().nullable(),
  expires_at: z.string().nullable(),
  enabled: z.boolean(),
  budget_usd: z.number().nullable(),
  budget_period: z.enum(['day', 'week', 'month']).nullable(),
  /** Spent in the current period, and when it resets (both null without a budget). */
  budget_spent_usd: z.number().nullable(),
  budget_resets_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type KeyView = z.infer<typeof KeyViewSchema>;

/** What ingress caches per key hash: enough to authenticate, authorise and limit without a round trip. */
export const KeyRecordSchema = KeyViewSchema.extend({ key_hash: z.string() });
export type KeyRecord = z.infer<typeof KeyRecordSchema>;

export const KeyLookup = defineRequest(
  'key.lookup.v1',
  z.object({ key_hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ key: KeyRecordSchema.nullable() }),
);

/** Broadcast on every change of a key (created, patched, credited, debited, deleted: `key` null). */
export const KeyChanged = defineEvent(
  'key.changed.v1',
  z.object({
    id: z.string(),
    key_hash: z.string(),
    key: KeyRecordSchema.nullable(),
    /** Usage record ids whose cost this change debited (ingress stops counting them as pending). */
    debited: z.array(z.string()).optional(),
  }),
);
