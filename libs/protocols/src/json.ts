// Narrowing for JSON values read from client bodies and upstream responses, which arrive as `unknown`.

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A count as providers report it: a finite, non-negative number. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Absent: `undefined` or `null`. Every format's optional fields are nullable too (Gemini's proto3 JSON reads
 * null as "not set"), and SDKs send null for "not given".
 */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}
