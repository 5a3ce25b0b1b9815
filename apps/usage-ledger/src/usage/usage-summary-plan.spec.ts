// The summary's range made concrete: defaults, alignment to UTC hours and days, the bucket count, and the
// bounds refused with the parameter named.
import {
  MAX_SUMMARY_BUCKETS,
  MAX_SUMMARY_CELLS,
  UsageSummaryQuery,
  UsageSummaryQuerySchema,
} from '@relaymesh/contracts';
import {
  SummaryIssue,
  SummaryPlan,
  isSummaryIssue,
  planUsageSummary,
  statusCondition,
} from './usage-summary-plan';

const NOW = Date.parse('2026-03-10T12:34:56.789Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function plan(query: Record<string, unknown>, now = NOW): SummaryPlan {
  const result = planUsageSummary(UsageSummaryQuerySchema.parse(query), now);
  if (isSummaryIssue(result)) throw new Error(`refused: ${result.message}`);
  return result;
}

function refused(query: Record<string, unknown>, now = NOW): SummaryIssue {
  const result = planUsageSummary(UsageSummaryQuerySchema.parse(query), now);
  if (!isSummaryIssue(result)) throw new Error('planned');
  return result;
}

describe('planUsageSummary', () => {
  it('should cover the last 24 hours by the hour by default, the first bucket aligned to its hour', () => {
    const p = plan({});
    expect(p.until.toISOString()).toBe('2026-03-10T12:34:56.789Z');
    expect(p.since.toISOString()).toBe('2026-03-09T12:00:00.000Z');
    // 12:00 yesterday to 12:34 today: 24 whole hours and the current, partial one.
    expect(p.buckets).toBe(25);
    expect(p.groupBy).toBeNull();
  });

  it('should cover the last 30 days by the UTC day with interval=day', () => {
    const p = plan({ interval: 'day' });
    expect(p.since.toISOString()).toBe('2026-02-08T00:00:00.000Z');
    expect(p.buckets).toBe(31);
  });

  it.each<[string, string, string, 'hour' | 'day', number, string]>([
    [
      'an aligned hour',
      '2026-03-01T10:00:00Z',
      '2026-03-01T11:00:00Z',
      'hour',
      1,
      '2026-03-01T10:00:00.000Z',
    ],
    [
      'a part of one hour',
      '2026-03-01T10:15:00Z',
      '2026-03-01T10:45:00Z',
      'hour',
      1,
      '2026-03-01T10:00:00.000Z',
    ],
    [
      'across an hour boundary',
      '2026-03-01T10:59:00Z',
      '2026-03-01T11:01:00Z',
      'hour',
      2,
      '2026-03-01T10:00:00.000Z',
    ],
    [
      'a day given with an offset',
      '2026-03-01T01:00:00+02:00',
      '2026-03-02T00:00:00Z',
      'day',
      2,
      '2026-02-28T00:00:00.000Z',
    ],
    [
      'a week of days',
      '2026-03-01T00:00:00Z',
      '2026-03-08T00:00:00Z',
      'day',
      7,
      '2026-03-01T00:00:00.000Z',
    ],
    [
      'a week of hours',
      '2026-03-01T00:00:00Z',
      '2026-03-08T00:00:00Z',
      'hour',
      168,
      '2026-03-01T00:00:00.000Z',
    ],
  ])('should bucket %s', (_, since, until, interval, buckets, start) => {
    const p = plan({ since, until, interval });
    expect(p.buckets).toBe(buckets);
    expect(p.since.toISOString()).toBe(start);
    expect(p.until.toISOString()).toBe(new Date(until).toISOString());
  });

  it('should count back from a given until when since is absent', () => {
    const p = plan({ until: '2026-01-01T06:30:00Z' });
    expect(p.since.toISOString()).toBe('2025-12-31T06:00:00.000Z');
  });

  it('should pass the filters and the limit through', () => {
    const p = plan({
      group_by: 'channel',
      key_id: 'k',
      model: 'm',
      channel_id: 'c',
      status: 'error',
      limit: '3',
    });
    expect(p).toMatchObject({
      groupBy: 'channel',
      limit: 3,
      filters: { keyId: 'k', model: 'm', channelId: 'c', status: 'error' },
    });
  });

  it('should accept exactly the most buckets, and refuse one more naming since', () => {
    const until = '2026-03-10T00:00:00Z';
    const at = (hours: number) => new Date(Date.parse(until) - hours * HOUR).toISOString();
    expect(plan({ since: at(MAX_SUMMARY_BUCKETS), until }).buckets).toBe(MAX_SUMMARY_BUCKETS);
    const issue = refused({ since: at(MAX_SUMMARY_BUCKETS + 1), until });
    expect(issue.path).toEqual(['since']);
    expect(issue.message).toMatch(/1001 hour buckets, at most 1000.*interval=day/);
  });

  it('should refuse a since in the future when until defaults to now, naming since', () => {
    expect(refused({ since: new Date(NOW + DAY).toISOString() }).path).toEqual(['since']);
  });

  it('should refuse a grouped answer over its row bound naming limit, and say which limit fits', () => {
    // 30 days of hours: 720 buckets × (limit + other).
    const query = { group_by: 'key', since: new Date(NOW - 30 * DAY).toISOString() };
    const fits = Math.floor(MAX_SUMMARY_CELLS / 721) - 1;
    expect(plan({ ...query, limit: String(fits) }).limit).toBe(fits);
    const issue = refused({ ...query, limit: String(fits + 1) });
    expect(issue.path).toEqual(['limit']);
    expect(issue.message).toContain(`lower limit to ${fits}`);
  });

  it('should not bound an ungrouped answer by limit', () => {
    const query: Partial<UsageSummaryQuery> = { since: new Date(NOW - 40 * DAY).toISOString() };
    expect(plan({ ...query, limit: '100' }).buckets).toBeLessThanOrEqual(MAX_SUMMARY_BUCKETS);
  });
});

describe('statusCondition', () => {
  it.each([
    ['ok', 'status < 400'],
    ['error', 'status >= 400'],
    ['2xx', 'status BETWEEN 200 AND 299'],
    ['5xx', 'status BETWEEN 500 AND 599'],
  ] as const)('should select %s with %s', (status, sql) => {
    expect(statusCondition(status)).toBe(sql);
  });
});
