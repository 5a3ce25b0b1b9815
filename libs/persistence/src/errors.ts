// Small facts about Postgres that every repository needs.
import { QueryFailedError } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs: anything that is not a uuid cannot exist, and must not reach a uuid column. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505';
}

/** The SQLSTATE of a failed query (node-postgres puts it on its error, TypeORM on `driverError`), or null. */
export function sqlStateOf(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const own = (err as { code?: unknown }).code;
  const driver = (err as { driverError?: { code?: unknown } }).driverError?.code;
  const code = typeof driver === 'string' ? driver : own;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * Whether Postgres refused the data itself, so sending the same rows again fails again: a data exception
 * (class 22: a NUL in text, invalid JSON, a number out of range), an integrity constraint (class 23), or a row
 * beyond a limit (54000: an index entry too large). Anything else (connection refused or reset, a timeout, a
 * missing table, a deadlock, a server shutting down) is about the database, not the data, and is retried.
 */
export function isDataError(err: unknown): boolean {
  const state = sqlStateOf(err);
  return state !== null && (state.startsWith('22') || state.startsWith('23') || state === '54000');
}
