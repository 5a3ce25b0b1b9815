// How the console writes numbers, money and times: fixed, locale-independent forms that line up in tables.

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  // Cents for sums, more digits for the fractions of a cent single requests cost.
  const size = Math.abs(value);
  const digits = size >= 1 || value === 0 ? 2 : size >= 0.01 ? 4 : 6;
  return `$${value.toFixed(digits)}`;
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString('en-US');
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

/** A rate over a window: `0.05/s`, `12.3/s`, `1,250/s` (digits that say something at each size). */
export function perSecond(events: number | null | undefined, seconds: number): string {
  if (events === null || events === undefined || seconds <= 0) return '—';
  const rate = events / seconds;
  const digits = rate === 0 || rate >= 100 ? 0 : rate >= 10 ? 1 : 2;
  return `${rate.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}/s`;
}

/** Errors as a share of requests: `2.5%`, or `—` with no requests. */
export function errorRate(errors: number, requests: number): string {
  return requests ? `${((100 * errors) / requests).toFixed(1)}%` : '—';
}

/** `2026-03-01 10:00 UTC`; with `seconds`, `2026-03-01 10:00:05 UTC` (for events seconds apart). */
export function dateTime(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '—';
  return (
    new Date(iso)
      .toISOString()
      .slice(0, seconds ? 19 : 16)
      .replace('T', ' ') + ' UTC'
  );
}

export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** "a, b, c" from a text field, without blanks. */
export function list(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A period budget in words: `$0.50 of $2.00 this day, resets 2026-11-24 00:00 UTC`; null without one. */
export function budget(key: {
  budget_usd: number | null;
  budget_period: string | null;
  budget_spent_usd: number | null;
  budget_resets_at: string | null;
}): string | null {
  if (key.budget_usd === null || key.budget_period === null) return null;
  const resets = key.budget_resets_at ? `, resets ${dateTime(key.budget_resets_at)}` : '';
  return `${usd(key.budget_spent_usd ?? 0)} of ${usd(key.budget_usd)} this ${key.budget_period}${resets}`;
}
