// The summary query's static rules: what the HTTP edge refuses, with the parameter named, before anything
// reaches the ledger; and the defaults a bare query gets.
import { z } from 'zod';
import { UsageSummaryQuerySchema } from './usage-summary';

/** The path of the first issue, joined with dots, or 'ok'. */
function refusal(input: unknown): string {
  const result = UsageSummaryQuerySchema.safeParse(input);
  return result.success ? 'ok' : result.error.issues[0].path.join('.');
}

describe('usage summary query', () => {
  it('should default to one row per hour, every record together, ten groups', () => {
    expect(UsageSummaryQuerySchema.parse({})).toEqual({ interval: 'hour', limit: 10 });
  });

  it('should take query-string values as they arrive (limit as text)', () => {
    expect(
      UsageSummaryQuerySchema.parse({
        group_by: 'key',
        interval: 'day',
        since: '2026-01-01T00:00:00Z',
        until: '2026-01-31T00:00:00+02:00',
        key_id: 'k',
        model: 'openai/gpt-5-mini',
        channel_id: 'c',
        status: '5xx',
        limit: '25',
      }),
    ).toMatchObject({ group_by: 'key', interval: 'day', status: '5xx', limit: 25 });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown group_by', { group_by: 'route' }, 'group_by'],
    ['an unknown interval', { interval: 'minute' }, 'interval'],
    ['a since that is no date', { since: 'yesterday' }, 'since'],
    ['a since without an offset', { since: '2026-01-01T00:00:00' }, 'since'],
    ['an until past 9999', { until: '10000-01-01T00:00:00Z' }, 'until'],
    ['a since before 1970', { since: '1969-12-31T23:59:59Z' }, 'since'],
    [
      'an until before since',
      { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' },
      'until',
    ],
    [
      'an until equal to since',
      { since: '2026-01-02T00:00:00Z', until: '2026-01-02T00:00:00Z' },
      'until',
    ],
    ['a NUL in key_id', { key_id: 'k\u0000' }, 'key_id'],
    ['a newline in model', { model: 'a\nb' }, 'model'],
    ['a lone surrogate in channel_id', { channel_id: '\ud800' }, 'channel_id'],
    ['an empty model', { model: '' }, 'model'],
    ['a status that is no class', { status: '404' }, 'status'],
    ['a limit of 0', { limit: '0' }, 'limit'],
    ['a limit over 100', { limit: '101' }, 'limit'],
    ['a fractional limit', { limit: '2.5' }, 'limit'],
    ['an unknown parameter', { group: 'model' }, ''],
  ])('should refuse %s', (_, input, path) => {
    expect(refusal(input)).toBe(path);
  });

  it('should name an unknown parameter in its message', () => {
    const result = UsageSummaryQuerySchema.safeParse({ group: 'model' });
    expect(result.success).toBe(false);
    expect(z.prettifyError(result.error!)).toContain('group');
  });
});
