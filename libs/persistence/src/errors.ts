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
