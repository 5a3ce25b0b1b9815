// One record per data-plane request that had an authenticated key (success and failure alike), published by
// ingress to a JetStream stream and consumed by the usage-ledger, which prices it and debits the key once.
// `id` is minted by ingress per request and is the JetStream msgID and the ledger's unique key: the client may
// choose its own `x-request-id` (CONTRACT §1), so `request_id` alone could be replayed to dodge billing.
import { z } from 'zod';
import { AdminReplySchema } from '../admin/admin';
import { DateTimeSchema, plainText } from '../admin/admin-fields';
import { defineEvent, defineRequest } from '../define';

const tokens = z.number().int().min(0).max(1e12);

export const UsageRecordSchema = z.object({
  id: z.uuid(),
  request_id: z.string().min(1).max(200),
  key_id: z.string().min(1),
  channel_id: z.string().nullable(),
  /** The model as the client named it (what pricing is looked up by first). */
  model: z.string().max(300).nullable(),
  upstream_model: z.string().max(300).nullable(),
  /** The client wire format (openai, anthropic, gemini). */
  format: z.string().max(40),
  /** The endpoint label (chat_completions, messages, generate_content, embeddings, ...). */
  route: z.string().max(60),
  stream: z.boolean(),
  input_tokens: tokens,
  output_tokens: tokens,
  cache_read_tokens: tokens,
  cache_write_tokens: tokens,
  /** The HTTP status the client got; a stream cut mid-way keeps 200 and sets `late_error`. */
  status: z.number().int(),
  late_error: z.string().max(40).nullable(),
  latency_ms: z.number().min(0),
  ttft_ms: z.number().min(0).nullable(),
  referer: z.string().max(500).nullable(),
  title: z.string().max(500).nullable(),
  attempts: z.number().int().min(0),
  /** When ingress received the request (ISO 8601). */
  created_at: z.iso.datetime({ offset: true }),
});
export type UsageRecord = z.infer<typeof UsageRecordSchema>;

export const UsageRecorded = defineEvent('usage.recorded.v1', UsageRecordSchema);

/** A stored record as `GET /admin/usage` returns it (CONTRACT §2). */
export const UsageViewSchema = UsageRecordSchema.extend({ cost_usd: z.number() });
export type UsageView = z.infer<typeof UsageViewSchema>;

export const UsageQuerySchema = z
  .object({
    key_id: plainText(200).optional(),
    request_id: plainText(200).optional(),
    model: plainText(300).optional(),
    since: DateTimeSchema.optional(),
    until: DateTimeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

/** `GET /admin/usage`: newest first. */
export const AdminUsageList = defineRequest(
  'admin.usage.list.v1',
  UsageQuerySchema,
  AdminReplySchema,
);
