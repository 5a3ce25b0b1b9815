// Period budgets (CONTRACT §2, issue 18): a key may have a spending cap per calendar day, week (ISO, from
// Monday) or month, in UTC, beside its lifetime credit. Pure, time passed in. The ledger's debit applies the
// same periods in SQL (date_trunc on UTC), which budget-period.spec.ts pins to these.

export const BUDGET_PERIODS = ['day', 'week', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** When the period holding `nowMs` began (UTC). */
export function periodStart(period: BudgetPeriod, nowMs: number): number {
  const d = new Date(nowMs);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  switch (period) {
    case 'day':
      return day;
    case 'week':
      // getUTCDay: 0 is Sunday; ISO weeks begin on Monday.
      return day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

/** When the period holding `nowMs` ends and the budget resets (UTC). */
export function periodEnd(period: BudgetPeriod, nowMs: number): number {
  const start = new Date(periodStart(period, nowMs));
  switch (period) {
    case 'day':
      return start.getTime() + 86_400_000;
    case 'week':
      return start.getTime() + 7 * 86_400_000;
    case 'month':
      return Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
  }
}

export interface StoredBudget {
  budgetUsd: number | null;
  period: BudgetPeriod | null;
  /** Spent in the period that began at `periodStartMs` (the last debit's period). */
  spentUsd: number;
  periodStartMs: number | null;
}

export interface BudgetState {
  budgetUsd: number;
  period: BudgetPeriod;
  /** Spent in the current period: nothing once the period of the last debit is over. */
  spentUsd: number;
  leftUsd: number;
  resetsAt: number;
}

/** The key's budget as it stands at `nowMs`; null for a key without one. */
export function budgetAt(stored: StoredBudget, nowMs: number): BudgetState | null {
  if (stored.budgetUsd === null || stored.period === null) return null;
  const current = stored.periodStartMs === periodStart(stored.period, nowMs);
  const spentUsd = current ? stored.spentUsd : 0;
  return {
    budgetUsd: stored.budgetUsd,
    period: stored.period,
    spentUsd,
    leftUsd: stored.budgetUsd - spentUsd,
    resetsAt: periodEnd(stored.period, nowMs),
  };
}
