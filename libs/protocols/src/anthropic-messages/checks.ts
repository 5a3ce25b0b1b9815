// The building blocks of Messages API request validation. The API validates with pydantic and answers 400
// `invalid_request_error` with `<location>: <problem>`, the location dotted with list indexes and, inside a
// tagged union, the tag (`messages.0.content.1.image.source.base64.media_type`). These readers copy that wording
// so a client sees what the real API would have said; `param` of the ProtocolError carries the location.
//
// They throw `RequestRejected` (../errors.ts) from deep inside a walk; `rejectionToResult` turns it into a result
// once.
import { RequestRejected, type ProtocolError } from '../errors';
import { isAbsent, isRecord } from '../json';

export function invalidRequest(message: string, param: string | null): ProtocolError {
  return { status: 400, type: 'invalid_request_error', code: null, param, message };
}

/** Rejects with `<loc>: <problem>`. */
export function reject(loc: string, problem: string): never {
  throw new RequestRejected(invalidRequest(`${loc}: ${problem}`, loc));
}

export function readObject(value: unknown, loc: string): Record<string, unknown> {
  if (value === undefined) reject(loc, 'Field required');
  if (!isRecord(value)) reject(loc, 'Input should be a valid dictionary');
  return value;
}

export function readList(value: unknown, loc: string): unknown[] {
  if (value === undefined) reject(loc, 'Field required');
  if (!Array.isArray(value)) reject(loc, 'Input should be a valid list');
  return value;
}

export function readString(value: unknown, loc: string): string {
  if (value === undefined) reject(loc, 'Field required');
  if (typeof value !== 'string') reject(loc, 'Input should be a valid string');
  return value;
}

export function readOptionalString(value: unknown, loc: string): string | null {
  return isAbsent(value) ? null : readString(value, loc);
}

export function readOptionalBoolean(value: unknown, loc: string): boolean | null {
  if (isAbsent(value)) return null;
  if (typeof value !== 'boolean') reject(loc, 'Input should be a valid boolean');
  return value;
}

export function readInteger(value: unknown, loc: string, min: number): number {
  if (value === undefined) reject(loc, 'Field required');
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    reject(loc, 'Input should be a valid integer');
  }
  if (!Number.isInteger(value)) {
    reject(loc, 'Input should be a valid integer, got a number with a fractional part');
  }
  if (value < min) reject(loc, `Input should be greater than or equal to ${min}`);
  return value;
}

export function readOptionalInteger(value: unknown, loc: string, min: number): number | null {
  return isAbsent(value) ? null : readInteger(value, loc, min);
}

export function readOptionalNumber(
  value: unknown,
  loc: string,
  min: number,
  max: number,
): number | null {
  if (isAbsent(value)) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    reject(loc, 'Input should be a valid number');
  }
  if (value < min) reject(loc, `Input should be greater than or equal to ${min}`);
  if (value > max) reject(loc, `Input should be less than or equal to ${max}`);
  return value;
}

/** pydantic's enumeration of allowed values: `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
export function quoteList(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  return quoted.length <= 1
    ? quoted.join('')
    : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/** A literal: `Input should be 'user' or 'assistant'`. */
export function readLiteral<T extends string>(
  value: unknown,
  loc: string,
  allowed: readonly T[],
): T {
  if (value === undefined) reject(loc, 'Field required');
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    reject(loc, `Input should be ${quoteList(allowed)}`);
  }
  return value as T;
}

/**
 * The `type` tag of a tagged union. `known` null accepts any tag (block and tool types the gateway does not
 * know pass, so a new API type keeps working through a pass-through); otherwise the API's mismatch message.
 */
export function readTag(
  record: Record<string, unknown>,
  loc: string,
  known: readonly string[] | null,
): string {
  const type = record.type;
  if (type === undefined) reject(loc, "Unable to extract tag using discriminator 'type'");
  if (typeof type !== 'string' || (known !== null && !known.includes(type))) {
    const expected = known === null ? '' : `: ${quoteList(known)}`;
    reject(
      loc,
      `Input tag '${typeof type === 'string' ? type : JSON.stringify(type)}' found using 'type' does not match any of the expected tags${expected}`,
    );
  }
  return type;
}
