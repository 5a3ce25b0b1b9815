// `GET /admin/usage/summary` (CONTRACT §2): usage aggregated per time bucket and per model, key or channel, for
// the console's charts and totals. The ledger owns the records and answers; ingress validates and relays.
// Every answer is bounded: the range may hold at most MAX_SUMMARY_BUCKETS buckets, a grouped answer keeps its
// `limit` largest groups (by cost, then requests) and folds the rest into one `other` row per bucket, and
// buckets × (groups + 1) may not exceed MAX_SUMMARY_CELLS.
import { z } from 'zod';
import { AdminReplySchema } from '../admin/admin';
import { DateTimeSchema, plainText } from '../admin/admin-fields';
import { defineRequest } from '../define';

export const SUMMARY_INTERVAL_MS = { hour: 3_600_000, day: 86_400_000 } as const;
export type SummaryInterval = keyof typeof SUMMARY_INTERVAL_MS;

/** The range an answer may span: 1000 hours is six weeks hourly; 1000 days close to three years daily. */
export const MAX_SUMMARY_BUCKETS = 1000;
/** Rows of one answer (bucket × group, `other` included): a few MB of JSON at most. */
export const MAX_SUMMARY_CELLS = 20_000;

/**
 * The status classes a summary may be filtered on: `ok` (< 400) and `error` (>= 400, what `errors` counts),
 * or one HTTP class.
 */
export const SummaryStatusSchema = z.enum(['ok', 'error', '2xx', '3xx', '4xx', '5xx']);
export type SummaryStatus = z.infer<typeof SummaryStatusSchema>;

export const UsageSummaryQuerySchema = z
  .object({
    /** Absent: one row per bucket (every record together). */
    group_by: z.enum(['model', 'key', 'channel']).optional(),
    interval: z.enum(['hour', 'day']).default('hour'),
    /** Default: 24 hours (hour) or 30 days (day) before `until`. */
    since: DateTimeSchema.optional(),
    /** Default: now. */
    until: DateTimeSchema.optional(),
    key_id: plainText(200).optional(),
    model: plainText(300).optional(),
    channel_id: plainText(200).optional(),
    status: SummaryStatusSchema.optional(),
    /** Groups kept apart; the rest are summed into `other`. */
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .strict()
  .refine(
    (query) =>
      query.since === undefined ||
      query.until === undefined ||
      Date.parse(query.since) < Date.parse(query.until),
    { message: 'must be after since', path: ['until'] },
  );
export type UsageSummaryQuery = z.infer<typeof UsageSummaryQuerySchema>;

/** The figures of one cell (a bucket and group), of the `other` groups, or of the whole answer. */
export interface UsageFigures {
  requests: number;
  /** Records whose status was >= 400. */
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  /** Over the records that have a time to first token (streams); null when none has. */
  ttft_p50_ms: number | null;
}

export interface UsageSummaryRow extends UsageFigures {
  /** The bucket's start, UTC, aligned to the hour or the day. */
  start: string;
  /** The model, key id or channel id (null: records without one); absent when not grouped. */
  group?: string | null;
  /** True on the row that sums the groups past `limit` (its `group` is null). */
  other?: true;
}

export interface UsageSummary {
  interval: SummaryInterval;
  group_by: 'model' | 'key' | 'channel' | null;
  /** The range actually summarised: `since` aligned down to the interval, `until` as given. */
  since: string;
  until: string;
  /** The groups kept apart, largest first (by cost, then requests). */
  groups: (string | null)[];
  /** How many groups were summed into the `other` rows. */
  other_groups: number;
  /** Non-empty cells only, oldest bucket first; a missing cell is zero. */
  rows: UsageSummaryRow[];
  totals: UsageFigures;
}

/** `GET /admin/usage/summary`. */
export const AdminUsageSummary = defineRequest(
  'admin.usage.summary.v1',
  UsageSummaryQuerySchema,
  AdminReplySchema,
);
