// One record per data-plane request that had an authenticated key (success and failure alike), published by
// ingress to a JetStream stream and consumed by the usage-ledger, which prices it and debits the key once.
// `id` is minted by ingress per request and is the JetStream msgID and the ledger's unique key: the client may
// choose its own `x-request-id` (CONTRACT §1), so `request_id` alone could be replayed to dodge billing.
import { z } from 'zod';
import { AdminReplySchema } from '../admin/admin';
import { DateTimeSchema, plainText } from '../admin/admin-fields';
import { defineEvent, defineRequest } from '../define';
import { storableText } from '../text/storable-text';
import { ErrorClassSchema } from '../upstream/upstream-outcome';
import { RequestBodiesSchema } from './request-bodies';

const tokens = z.number().int().min(0).max(1e12);

/**
 * The longest each text field of a record is stored (in UTF-16 code units). Client-chosen text (`model`,
 * `request_id`, `title`, `referer`) is cut to this rather than refused, so the request is still billed.
 */
export const USAGE_TEXT_LIMITS = {
  request_id: 200,
  key_id: 200,
  channel_id: 200,
  model: 300,
  upstream_model: 300,
  format: 40,
  route: 60,
  late_error: 40,
  referer: 500,
  title: 500,
} as const;
type UsageTextField = keyof typeof USAGE_TEXT_LIMITS;

/** A request names few hosted tools; a client's tool type name is text it chose, so both are bounded. */
export const DROPPED_TOOLS_LIMITS = { count: 32, length: 100 } as const;

/** A text field normalised by `storableText` on parse: what the ledger receives is always storable. */
function text(field: UsageTextField) {
  return z.string().transform((value) => storableText(value, USAGE_TEXT_LIMITS[field]));
}

/**
 * The most attempts a record keeps the detail of: more than any attempt budget times fallback chain configured
 * in practice; a longer log keeps its first ones (the count stays in `attempts`).
 */
export const MAX_LOGGED_ATTEMPTS = 32;

/**
 * One upstream attempt of a request, for the request explorer (`GET /admin/requests/{request_id}`): which
 * channel was tried for which model, how it ended and when, relative to the request's arrival. Channel ids and
 * catalogue model names only: nothing of the request's or the answer's body.
 */
export const UsageAttemptSchema = z.object({
  channel_id: z.string().transform((value) => storableText(value, USAGE_TEXT_LIMITS.channel_id)),
  /** The model tried: the requested one, or a fallback of it. */
  model: z.string().transform((value) => storableText(value, USAGE_TEXT_LIMITS.model)),
  upstream_model: z
    .string()
    .transform((value) => storableText(value, USAGE_TEXT_LIMITS.upstream_model))
    .nullable(),
  /** The upstream's HTTP status; 0 when none came (refused connection, timeout). */
  status: z.number().int().min(0).max(999),
  /** `none` for the attempt that served. */
  error_class: ErrorClassSchema,
  /** When the attempt began, ms after the request arrived. */
  started_ms: z.number().min(0),
  duration_ms: z.number().min(0),
});
export type UsageAttempt = z.infer<typeof UsageAttemptSchema>;

export const UsageRecordSchema = z.object({
  id: z.uuid(),
  request_id: z.string().min(1).pipe(text('request_id')),
  key_id: z.string().min(1).pipe(text('key_id')),
  channel_id: text('channel_id').nullable(),
  /** The model as the client named it (what pricing is looked up by first). */
  model: text('model').nullable(),
  upstream_model: text('upstream_model').nullable(),
  /** The client wire format (openai, anthropic, gemini). */
  format: text('format'),
  /** The endpoint label (chat_completions, messages, generate_content, embeddings, ...). */
  route: text('route'),
  stream: z.boolean(),
  input_tokens: tokens,
  output_tokens: tokens,
  cache_read_tokens: tokens,
  cache_write_tokens: tokens,
  /** The HTTP status the client got; a stream cut mid-way keeps 200 and sets `late_error`. */
  status: z.number().int().min(0).max(999),
  late_error: text('late_error').nullable(),
  latency_ms: z.number().min(0),
  ttft_ms: z.number().min(0).nullable(),
  referer: text('referer').nullable(),
  title: text('title').nullable(),
  /**
   * Hosted tools of the request (`file_search`, `code_interpreter`, ...) that the serving channel's provider
   * could not run and that were dropped in translation (also said in `x-relaymesh-dropped-tools`). Absent from
   * an older ingress; cut to its bounds rather than refused, so the request is still billed.
   */
  dropped_tools: z
    .array(z.string())
    .transform((tools) => droppedToolsOf(tools))
    .optional(),
  /** Postgres `integer`: a bound, so no record is refused for its size. */
  attempts: z.number().int().min(0).max(1_000_000),
  /** Each attempt's detail, in order (absent from an older ingress). */
  attempt_log: z.array(UsageAttemptSchema).max(MAX_LOGGED_ATTEMPTS).optional(),
  /** When ingress received the request (ISO 8601); Postgres has no year 0. */
  /**
   * The ingress replica whose credit lease the request was admitted against (key.lease.grant.v1): the ledger
   * takes the record's cost out of that lease as it debits the key. Absent from an older ingress.
   */
  credit_holder: z.string().min(1).max(100).optional(),
  /** The request's and the answer's bodies, only when the operator turned body logging on (issue 19). */
  bodies: RequestBodiesSchema.optional(),
  created_at: z.iso
    .datetime({ offset: true })
    .refine((value) => !value.startsWith('0000'), 'year 0000 does not exist'),
});
export type UsageRecord = z.infer<typeof UsageRecordSchema>;

/**
 * The record with every text field as the schema would store it: ingress publishes only normalised records
 * (the source), and the ledger's parse of the schema normalises those of an older ingress (the edge) the same
 * way. Pure, idempotent.
 */
export function normaliseUsageRecord(record: UsageRecord): UsageRecord {
  const normalised = { ...record };
  for (const field of Object.keys(USAGE_TEXT_LIMITS) as UsageTextField[]) {
    const value = record[field];
    if (value !== null) normalised[field] = storableText(value, USAGE_TEXT_LIMITS[field]);
  }
  if (record.dropped_tools !== undefined) {
    normalised.dropped_tools = droppedToolsOf(record.dropped_tools);
  }
  return normalised;
}

/** The dropped tools' names, each storable and bounded, at most DROPPED_TOOLS_LIMITS.count of them. */
function droppedToolsOf(tools: readonly string[]): string[] {
  return tools
    .slice(0, DROPPED_TOOLS_LIMITS.count)
    .map((tool) => storableText(tool, DROPPED_TOOLS_LIMITS.length));
}

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

/** `GET /admin/requests/{request_id}`: every record of that request id (clients may reuse one), newest first. */
export const UsageByRequestSchema = z.object({ request_id: plainText(200) }).strict();

export const AdminUsageRequest = defineRequest(
  'admin.usage.request.v1',
  UsageByRequestSchema,
  AdminReplySchema,
);

/** `GET /admin/usage`: newest first. */
export const AdminUsageList = defineRequest(
  'admin.usage.list.v1',
  UsageQuerySchema,
  AdminReplySchema,
);
