import { budgetAt, periodEnd, periodStart } from './budget-period';

const at = (iso: string) => Date.parse(iso);

describe('periodStart and periodEnd (UTC, calendar-aligned)', () => {
  it.each([
    ['day', '2026-12-07T23:59:59.999Z', '2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z'],
    ['day', '2026-12-08T00:00:00.000Z', '2026-12-08T00:00:00.000Z', '2026-12-09T00:00:00.000Z'],
    // 2026-12-07 is a Monday; a Sunday belongs to the week that began the Monday before.
    ['week', '2026-12-07T10:00:00.000Z', '2026-12-07T00:00:00.000Z', '2026-12-14T00:00:00.000Z'],
    ['week', '2026-12-13T23:00:00.000Z', '2026-12-07T00:00:00.000Z', '2026-12-14T00:00:00.000Z'],
    ['month', '2026-12-31T23:59:59.000Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['month', '2028-02-29T12:00:00.000Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
  ] as const)('%s at %s', (period, now, start, end) => {
    expect(new Date(periodStart(period, at(now))).toISOString()).toBe(start);
    expect(new Date(periodEnd(period, at(now))).toISOString()).toBe(end);
  });
});

describe('budgetAt', () => {
  const stored = {
    budgetUsd: 5,
    period: 'day' as const,
    spentUsd: 4,
    periodStartMs: at('2026-12-07T00:00:00.000Z'),
  };

  it('should count what was spent in the current period', () => {
    expect(budgetAt(stored, at('2026-12-07T18:00:00.000Z'))).toEqual({
      budgetUsd: 5,
      period: 'day',
      spentUsd: 4,
      leftUsd: 1,
      resetsAt: at('2026-12-08T00:00:00.000Z'),
    });
  });

  it('should reset at the period boundary', () => {
    expect(budgetAt(stored, at('2026-12-08T00:00:00.000Z'))).toMatchObject({
      spentUsd: 0,
      leftUsd: 5,
      resetsAt: at('2026-12-09T00:00:00.000Z'),
    });
  });

  it('should be null for a key without a budget', () => {
    expect(budgetAt({ ...stored, budgetUsd: null, period: null }, 0)).toBeNull();
  });
});
