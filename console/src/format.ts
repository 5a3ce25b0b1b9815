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
