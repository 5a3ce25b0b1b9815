// The building blocks of OpenAI-style request validation, shared by Chat Completions and Responses (both
// answer 400 `invalid_request_error` with the same message shapes, `param` and `code`). The messages copy
// OpenAI's own wording, so a client that shows or matches them sees what the real API would have said;
// that is why these are hand-written rather than zod issues mapped after the fact.
//
// Two styles: `Check<T>` results for the edge checks of `parse.ts`, and `read*` functions that throw
// `RequestRejected` (../errors.ts) for the deep walks of the translators (`to-hub.ts`), caught once by
// `rejectionToResult`.
import { RequestRejected, type ProtocolError } from '../errors';
import { isAbsent, isRecord } from '../json';

export type Check<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export function invalid(
  message: string,
  param: string | null,
  code: string | null,
): { ok: false; error: ProtocolError } {
  return { ok: false, error: { status: 400, type: 'invalid_request_error', code, param, message } };
}

/** How OpenAI's messages name a JSON value's type: "got a string instead". */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a decimal number';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function wrongType(
  param: string,
  expected: string,
  value: unknown,
): { ok: false; error: ProtocolError } {
  return invalid(
    `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`,
    param,
    'invalid_type',
  );
}

export function missing(param: string): { ok: false; error: ProtocolError } {
  return invalid(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

/** "Invalid value: 'bot'. Supported values are: 'a', 'b', and 'c'." */
export function invalidValue(
  param: string,
  value: string,
  supported: readonly string[],
): { ok: false; error: ProtocolError } {
  const quoted = supported.map((s) => `'${s}'`);
  const list =
    quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}` : quoted.join('');
  return invalid(
    `Invalid value: '${value}'. Supported values are: ${list}.`,
    param,
    'invalid_value',
  );
}

export function checkPositiveInteger(param: string, value: unknown, min = 1): Check<number | null> {
  if (isAbsent(value)) return { ok: true, value: null };
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return wrongType(param, 'an integer', value);
  }
  if (value < min) {
    return invalid(
      `Invalid '${param}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      param,
      'integer_below_min_value',
    );
  }
  return { ok: true, value };
}

/** The gateway extensions `models` / `fallbacks`: arrays of non-empty model ids. */
export function checkModelList(param: string, value: unknown): Check<string[]> {
  if (isAbsent(value)) return { ok: true, value: [] };
  if (!Array.isArray(value)) return wrongType(param, 'an array of strings', value);
  const models: string[] = [];
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'string') return wrongType(`${param}[${i}]`, 'a string', item);
    if (item === '') {
      return invalid(
        `Invalid '${param}[${i}]': empty string. Expected a string with minimum length 1, but got an empty string instead.`,
        `${param}[${i}]`,
        'empty_string',
      );
    }
    models.push(item);
  }
  return { ok: true, value: models };
}

/** Throws the error of a failed `Check` (or of `invalid(...)` and friends). */
export function reject(failure: { ok: false; error: ProtocolError }): never {
  throw new RequestRejected(failure.error);
}

/** 400 for something valid in this format that the translation to another format cannot carry. */
export function untranslatable(param: string, message: string): never {
  throw new RequestRejected({
    status: 400,
    type: 'invalid_request_error',
    code: 'unsupported_value',
    param,
    message,
  });
}

export function readObject(value: unknown, param: string): Record<string, unknown> {
  if (isAbsent(value)) reject(missing(param));
  if (!isRecord(value)) reject(wrongType(param, 'an object', value));
  return value;
}

export function readArray(value: unknown, param: string): unknown[] {
  if (isAbsent(value)) reject(missing(param));
  if (!Array.isArray(value)) reject(wrongType(param, 'an array', value));
  return value;
}

export function readString(value: unknown, param: string): string {
  if (isAbsent(value)) reject(missing(param));
  if (typeof value !== 'string') reject(wrongType(param, 'a string', value));
  return value;
}

export function readOptionalString(value: unknown, param: string): string | null {
  return isAbsent(value) ? null : readString(value, param);
}

export function readOptionalBoolean(value: unknown, param: string): boolean | null {
  if (isAbsent(value)) return null;
  if (typeof value !== 'boolean') reject(wrongType(param, 'a boolean', value));
  return value;
}

/** A number within [min, max], with OpenAI's "decimal above maximum value" wording. */
export function readOptionalNumber(
  value: unknown,
  param: string,
  min: number,
  max: number,
): number | null {
  if (isAbsent(value)) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    reject(wrongType(param, 'a decimal', value));
  }
  if (value < min) {
    reject(
      invalid(
        `Invalid '${param}': decimal below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
        param,
        'decimal_below_min_value',
      ),
    );
  }
  if (value > max) {
    reject(
      invalid(
        `Invalid '${param}': decimal above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
        param,
        'decimal_above_max_value',
      ),
    );
  }
  return value;
}

export function readEnum<const T extends string>(
  value: unknown,
  param: string,
  allowed: readonly T[],
): T {
  const text = readString(value, param);
  if (!(allowed as readonly string[]).includes(text)) reject(invalidValue(param, text, allowed));
  return text as T;
}
