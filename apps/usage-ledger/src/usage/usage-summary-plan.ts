// What a `GET /admin/usage/summary` query asks for, made concrete: its range with the defaults filled in and
// `since` aligned down to the interval (UTC hours and days are whole multiples of their length since the
// epoch, so the buckets are those of date_bin from the epoch), and refused when the answer would exceed its
// bounds. Pure: `now` is passed in. The static rules (types, control characters, dates) are the contract's.
import {
  MAX_SUMMARY_BUCKETS,
  MAX_SUMMARY_CELLS,
  SUMMARY_INTERVAL_MS,
  SummaryInterval,
  SummaryStatus,
  UsageSummaryQuery,
} from '@relaymesh/contracts';

/** The range a query without `since` covers: a day of hours, or thirty days. */
export const DEFAULT_SUMMARY_SPAN_MS: Record<SummaryInterval, number> = {
  hour: 24 * SUMMARY_INTERVAL_MS.hour,
  day: 30 * SUMMARY_INTERVAL_MS.day,
};

/** The usage_records column each `group_by` splits on. */
export const SUMMARY_GROUP_COLUMNS = {
  model: 'model',
  key: 'key_id',
  channel: 'channel_id',
} as const;

export interface SummaryPlan {
  interval: SummaryInterval;
  groupBy: keyof typeof SUMMARY_GROUP_COLUMNS | null;
  /** Aligned down to the interval; inclusive. */
  since: Date;
  /** Exclusive. */
  until: Date;
  buckets: number;
  /** Groups kept apart (only when grouped). */
  limit: number;
  filters: {
    keyId?: string;
    model?: string;
    channelId?: string;
    status?: SummaryStatus;
  };
}

/** A refusal naming the query parameter at fault, shaped like the edge's zod issues. */
export interface SummaryIssue {
  code: 'custom';
  path: [string];
  message: string;
}

export function planUsageSummary(
  query: UsageSummaryQuery,
  now: number,
): SummaryPlan | SummaryIssue {
  const step = SUMMARY_INTERVAL_MS[query.interval];
  const until = query.until === undefined ? now : Date.parse(query.until);
  const since =
    query.since === undefined
      ? until - DEFAULT_SUMMARY_SPAN_MS[query.interval]
      : Date.parse(query.since);
  if (since >= until) {
    return issue('since', `must be before until (${new Date(until).toISOString()})`);
  }
  const alignedSince = Math.floor(since / step) * step;
  const buckets = Math.ceil((until - alignedSince) / step);
  if (buckets > MAX_SUMMARY_BUCKETS) {
    return issue(
      'since',
      `the range holds ${buckets} ${query.interval} buckets, at most ${MAX_SUMMARY_BUCKETS} are answered: ` +
        `narrow since/until${query.interval === 'hour' ? ' or use interval=day' : ''}`,
    );
  }
  const groupBy = query.group_by ?? null;
  if (groupBy !== null && buckets * (query.limit + 1) > MAX_SUMMARY_CELLS) {
    return issue(
      'limit',
      `${buckets} buckets × (${query.limit} groups + other) exceeds ${MAX_SUMMARY_CELLS} rows: ` +
        `lower limit to ${Math.max(1, Math.floor(MAX_SUMMARY_CELLS / buckets) - 1)} or narrow the range`,
    );
  }
  return {
    interval: query.interval,
    groupBy,
    since: new Date(alignedSince),
    until: new Date(until),
    buckets,
    limit: query.limit,
    filters: {
      keyId: query.key_id,
      model: query.model,
      channelId: query.channel_id,
      status: query.status,
    },
  };
}

export function isSummaryIssue(plan: SummaryPlan | SummaryIssue): plan is SummaryIssue {
  return 'code' in plan;
}

/** The SQL condition on `status` of a status class (no parameters: the classes are a closed set). */
export function statusCondition(status: SummaryStatus): string {
  switch (status) {
    case 'ok':
      return 'status < 400';
    case 'error':
      return 'status >= 400';
    case '2xx':
      return 'status BETWEEN 200 AND 299';
    case '3xx':
      return 'status BETWEEN 300 AND 399';
    case '4xx':
      return 'status BETWEEN 400 AND 499';
    case '5xx':
      return 'status BETWEEN 500 AND 599';
  }
}

function issue(field: string, message: string): SummaryIssue {
  return { code: 'custom', path: [field], message };
}
