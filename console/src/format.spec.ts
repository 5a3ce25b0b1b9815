import { describe, expect, it } from '@jest/globals';
import { budget } from './format';

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
