// The usage page's arithmetic, pure: a summary (GET /admin/usage/summary) as chart series over every bucket of
// the range (a bucket without records is a zero, not a gap the eye skips), and rows as CSV.
import type { UsageFigures, UsageSummary } from './types';

export const INTERVAL_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** What a chart plots per bucket and group. */
export type Metric = 'cost' | 'tokens' | 'requests';

export function metricOf(figures: UsageFigures, metric: Metric): number {
  switch (metric) {
    case 'cost':
      return figures.cost_usd;
    case 'tokens':
      return figures.input_tokens + figures.output_tokens;
    case 'requests':
      return figures.requests;
  }
}

export interface Series {
  /** The group's name as shown (a model, a key's name, "other", "(none)" or "all"). */
  name: string;
  /** One value per bucket. */
  values: number[];
}

export interface ChartData {
  /** Each bucket's start (ISO), oldest first. */
  buckets: string[];
  series: Series[];
}

/** Every bucket start from `since` (already aligned by the ledger) up to, not including, `until`. */
export function bucketStarts(since: string, until: string, interval: 'hour' | 'day'): string[] {
  const step = INTERVAL_MS[interval];
  const starts: string[] = [];
  for (let at = Date.parse(since); at < Date.parse(until); at += step) {
    starts.push(new Date(at).toISOString());
  }
  return starts;
}

/**
 * The summary as stacked series: one per group kept apart (largest first, as the ledger ordered them), then
 * "other" when groups were folded; one "all" series when it is not grouped. `label` names a group (a key id
 * shown as the key's name).
 */
export function chartData(
  summary: UsageSummary,
  metric: Metric,
  label: (group: string | null) => string = (group) => group ?? '(none)',
): ChartData {
  const buckets = bucketStarts(summary.since, summary.until, summary.interval);
  const index = new Map(buckets.map((start, i) => [Date.parse(start), i]));
  const grouped = summary.group_by !== null;
  const names = grouped ? summary.groups.map(label) : ['all'];
  if (grouped && summary.other_groups > 0) names.push('other');
  const series = names.map((name) => ({ name, values: buckets.map(() => 0) }));
  const seriesOf = new Map<string | null, number>(summary.groups.map((group, i) => [group, i]));
  for (const row of summary.rows) {
    const at = index.get(Date.parse(row.start));
    if (at === undefined) continue;
    const which = !grouped ? 0 : row.other ? names.length - 1 : seriesOf.get(row.group ?? null);
    if (which === undefined) continue;
    series[which].values[at] += metricOf(row, metric);
  }
  return { buckets, series };
}

/** The tallest stack, for the chart's scale. */
export function stackMax(data: ChartData): number {
  let max = 0;
  data.buckets.forEach((_, i) => {
    max = Math.max(
      max,
      data.series.reduce((sum, s) => sum + s.values[i], 0),
    );
  });
  return max;
}

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180), and never read as a formula. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
  // A spreadsheet runs a cell starting with = + - @ as a formula: a model name is client-chosen text.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV with a header line, columns in the order given. */
export function toCsv<T>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvField(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
