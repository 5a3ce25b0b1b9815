import { describe, expect, it } from '@jest/globals';
import type { UsageFigures, UsageSummary } from './types';
import { bucketStarts, chartData, stackMax, toCsv } from './usage-data';

const figures = (over: Partial<UsageFigures> = {}): UsageFigures => ({
  requests: 0,
  errors: 0,
  input_tokens: 0,
  output_tokens: 0,
  cost_usd: 0,
  latency_p50_ms: null,
  latency_p95_ms: null,
  ttft_p50_ms: null,
  ...over,
});

const summary: UsageSummary = {
  interval: 'hour',
  group_by: 'key',
  since: '2026-11-23T08:00:00.000Z',
  until: '2026-11-23T10:30:00.000Z',
  groups: ['k1', 'k2'],
  other_groups: 3,
  rows: [
    { start: '2026-11-23T08:00:00.000Z', group: 'k1', ...figures({ requests: 2, cost_usd: 0.5 }) },
    {
      start: '2026-11-23T10:00:00.000Z',
      group: 'k2',
      ...figures({ requests: 1, input_tokens: 7, output_tokens: 3 }),
    },
    { start: '2026-11-23T10:00:00.000Z', group: null, other: true, ...figures({ requests: 4 }) },
  ],
  totals: figures({ requests: 7 }),
};

describe('chartData', () => {
  it('should give every bucket of the range a value, zero where no record fell', () => {
    expect(bucketStarts(summary.since, summary.until, 'hour')).toEqual([
      '2026-11-23T08:00:00.000Z',
      '2026-11-23T09:00:00.000Z',
      '2026-11-23T10:00:00.000Z',
    ]);
    const names = new Map([['k1', 'alpha']]);
    expect(chartData(summary, 'requests', (g) => names.get(g ?? '') ?? String(g))).toEqual({
      buckets: bucketStarts(summary.since, summary.until, 'hour'),
      series: [
        { name: 'alpha', values: [2, 0, 0] },
        { name: 'k2', values: [0, 0, 1] },
        { name: 'other', values: [0, 0, 4] },
      ],
    });
    expect(chartData(summary, 'tokens').series[1].values).toEqual([0, 0, 10]);
    expect(chartData(summary, 'cost').series[0].values).toEqual([0.5, 0, 0]);
    expect(stackMax(chartData(summary, 'requests'))).toBe(5);
  });

  it('should plot one series when the summary is not grouped', () => {
    const ungrouped: UsageSummary = {
      ...summary,
      group_by: null,
      groups: [],
      other_groups: 0,
      rows: [{ start: '2026-11-23T09:00:00.000Z', ...figures({ requests: 3 }) }],
    };
    expect(chartData(ungrouped, 'requests').series).toEqual([{ name: 'all', values: [0, 3, 0] }]);
  });
});

describe('toCsv', () => {
  it('should quote what needs quoting and defuse spreadsheet formulas', () => {
    const rows = [
      { model: 'gpt, "quoted"', status: 200, ttft_ms: null },
      { model: '=HYPERLINK("x")', status: 500, ttft_ms: 12.5 },
    ];
    expect(toCsv(rows, ['model', 'status', 'ttft_ms'])).toBe(
      'model,status,ttft_ms\r\n"gpt, ""quoted""",200,\r\n"\'=HYPERLINK(""x"")",500,12.5\r\n',
    );
  });
});
