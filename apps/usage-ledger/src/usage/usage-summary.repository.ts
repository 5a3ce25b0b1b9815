// The usage summary's SQL: at most two statements over the planned range. A grouped summary first ranks the
// groups of the range (by cost, then requests) to keep the `limit` largest apart; then one pass buckets the
// records (date_bin from the epoch: whole UTC hours or days), sums them per bucket and group, and computes the
// whole range's totals in the same scan (GROUPING SETS). The filters and the range use the indexes on
// (key_id | model | channel_id, created_at) and (created_at).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UsageFigures, UsageSummary, UsageSummaryRow } from '@relaymesh/contracts';
import { quoteIdent } from '@relaymesh/persistence';
import { DataSource } from 'typeorm';
import { SUMMARY_GROUP_COLUMNS, SummaryPlan, statusCondition } from './usage-summary-plan';

export abstract class UsageSummaryRepository {
  abstract summarize(plan: SummaryPlan): Promise<UsageSummary>;
}

interface FiguresRow {
  requests: string;
  errors: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_tokens: string;
  cache_write_tokens: string;
  cost_usd: string;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
}

interface SummaryRow extends FiguresRow {
  /** 1 on the totals row (the empty grouping set). */
  total: number;
  start: Date | null;
  grp: string | null;
  other: boolean | null;
}

const FIGURES = `count(*) AS requests,
  count(*) FILTER (WHERE status >= 400) AS errors,
  coalesce(sum(input_tokens), 0) AS input_tokens,
  coalesce(sum(output_tokens), 0) AS output_tokens,
  coalesce(sum(cache_read_tokens), 0) AS cache_read_tokens,
  coalesce(sum(cache_write_tokens), 0) AS cache_write_tokens,
  coalesce(sum(cost_usd), 0) AS cost_usd,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS latency_p50_ms,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS latency_p95_ms,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) AS ttft_p50_ms`;

const EMPTY_FIGURES: UsageFigures = {
  requests: 0,
  errors: 0,
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  cost_usd: 0,
  latency_p50_ms: null,
  latency_p95_ms: null,
  ttft_p50_ms: null,
};

/** Latencies to a tenth of a millisecond: interpolated percentiles carry noise digits otherwise. */
function ms(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

function figures(row: FiguresRow): UsageFigures {
  return {
    requests: Number(row.requests),
    errors: Number(row.errors),
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
    cache_read_tokens: Number(row.cache_read_tokens),
    cache_write_tokens: Number(row.cache_write_tokens),
    cost_usd: Number(row.cost_usd),
    latency_p50_ms: ms(row.latency_p50_ms),
    latency_p95_ms: ms(row.latency_p95_ms),
    ttft_p50_ms: ms(row.ttft_p50_ms),
  };
}

@Injectable()
export class SqlUsageSummaryRepository extends UsageSummaryRepository {
  private readonly records: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    const schema = quoteIdent((dataSource.options as { schema?: string }).schema ?? 'public');
    this.records = `${schema}.usage_records`;
  }

  async summarize(plan: SummaryPlan): Promise<UsageSummary> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [`created_at >= ${param(plan.since)}`, `created_at < ${param(plan.until)}`];
    const { keyId, model, channelId, status } = plan.filters;
    if (keyId !== undefined) where.push(`key_id = ${param(keyId)}`);
    if (model !== undefined) where.push(`model = ${param(model)}`);
    if (channelId !== undefined) where.push(`channel_id = ${param(channelId)}`);
    if (status !== undefined) where.push(statusCondition(status));
    const filter = where.join(' AND ');
    const column = plan.groupBy === null ? null : SUMMARY_GROUP_COLUMNS[plan.groupBy];

    let groups: (string | null)[] = [];
    let otherGroups = 0;
    let grp = 'NULL::text';
    let other = 'false';
    if (column !== null) {
      const ranked = await this.dataSource.query<{ grp: string | null; groups: string }[]>(
        `SELECT ${column} AS grp, count(*) OVER () AS groups FROM ${this.records}
         WHERE ${filter}
         GROUP BY ${column}
         ORDER BY sum(cost_usd) DESC, count(*) DESC, ${column} ASC NULLS LAST
         LIMIT $${params.length + 1}`,
        [...params, plan.limit],
      );
      groups = ranked.map((row) => row.grp);
      otherGroups = ranked.length === 0 ? 0 : Number(ranked[0].groups) - ranked.length;
      grp = column;
      if (otherGroups > 0) {
        // Null (a record without model or channel) is a group like any other, kept or folded.
        const named = groups.filter((g): g is string => g !== null);
        const kept = `(${column} = ANY(${param(named)}::text[])${groups.includes(null) ? ` OR ${column} IS NULL` : ''})`;
        grp = `CASE WHEN ${kept} THEN ${column} END`;
        other = `NOT coalesce(${kept}, false)`;
      }
    }

    const rows = await this.dataSource.query<SummaryRow[]>(
      `SELECT GROUPING(start) AS total, start, grp, other, ${FIGURES}
       FROM (
         SELECT date_bin(${param(`${plan.interval === 'hour' ? 1 : 24} hours`)}::interval, created_at,
                  timestamptz '1970-01-01 00:00:00+00') AS start,
                ${grp} AS grp, ${other} AS other,
                status, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd,
                latency_ms, ttft_ms
         FROM ${this.records}
         WHERE ${filter}
       ) AS bucketed
       GROUP BY GROUPING SETS ((start, grp, other), ())`,
      params,
    );

    let totals = EMPTY_FIGURES;
    const cells: UsageSummaryRow[] = [];
    for (const row of rows) {
      if (Number(row.total) === 1) {
        totals = figures(row);
        continue;
      }
      const cell: UsageSummaryRow = { start: row.start!.toISOString(), ...figures(row) };
      if (column !== null) cell.group = row.other ? null : row.grp;
      if (row.other) cell.other = true;
      cells.push(cell);
    }
    // Cells in bucket order, kept groups in rank order within a bucket, `other` last.
    const rank = new Map(groups.map((g, i) => [g, i]));
    cells.sort(
      (a, b) =>
        a.start.localeCompare(b.start) ||
        Number(a.other ?? false) - Number(b.other ?? false) ||
        (rank.get(a.group ?? null) ?? 0) - (rank.get(b.group ?? null) ?? 0),
    );
    return {
      interval: plan.interval,
      group_by: plan.groupBy,
      since: plan.since.toISOString(),
      until: plan.until.toISOString(),
      groups,
      other_groups: otherGroups,
      rows: cells,
      totals,
    };
  }
}
