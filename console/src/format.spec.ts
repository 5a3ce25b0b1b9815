import { describe, expect, it } from '@jest/globals';
import { budget, errorRate, perSecond } from './format';

describe('budget', () => {
  it('should say what was spent of the budget in its period and when it resets', () => {
    expect(
      budget({
        budget_usd: 2,
        budget_period: 'day',
        budget_spent_usd: 0.5,
        budget_resets_at: '2026-11-24T00:00:00.000Z',
      }),
    ).toBe('$0.5000 of $2.00 this day, resets 2026-11-24 00:00 UTC');
  });

  it('should say nothing for a key without a budget', () => {
    expect(
      budget({
        budget_usd: null,
        budget_period: null,
        budget_spent_usd: null,
        budget_resets_at: null,
      }),
    ).toBeNull();
  });
});

describe('perSecond', () => {
  it.each([
    [3, 60, '0.05/s'],
    [0, 60, '0/s'],
    [900, 60, '15.0/s'],
    [75_000, 60, '1,250/s'],
    [null, 60, '—'],
    [5, 0, '—'],
  ])('%p in %p s: %p', (events, seconds, shown) => {
    expect(perSecond(events, seconds)).toBe(shown);
  });
});

describe('errorRate', () => {
  it('should give the share of errors, and a dash with no requests', () => {
    expect(errorRate(1, 40)).toBe('2.5%');
    expect(errorRate(0, 0)).toBe('—');
  });
});
