// How much memory a JSON text would take once parsed, measured without parsing it. A byte limit alone does not
// bound that: 3 MB of `[{},{},...]` become a million objects (over 100 MB of heap), and a ten-million-deep
// array makes JSON.parse spin for seconds and the code that walks the result overflow its stack. One pass over
// the bytes counts nesting depth and values, so an answer that would blow up is refused before JSON.parse.
// Pure; invalid JSON is left for JSON.parse to refuse.

export interface JsonShapeLimits {
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /**
   * Cost units a text may hold: an object or array costs 4, a string or a number with a fraction or exponent
   * 2 (a heap object each), any other value 1. Roughly 16 bytes of heap per unit once parsed.
   */
  maxCost: number;
}

export type JsonShapeFault = 'too_deep' | 'too_many_values' | null;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * Whether `bytes` is provably within `limits` without the byte-by-byte scan: no byte costs more than 4 units,
 * and nesting is never deeper than the number of `{` and `[` bytes (strings' included), which native
 * indexOf counts. True for a typical answer (a few hundred bytes, a handful of objects), so its one pass is
 * JSON.parse's own; false only means the scan decides.
 */
export function withinShapeBound(bytes: Uint8Array, limits: JsonShapeLimits): boolean {
  if (bytes.length * 4 > limits.maxCost) return false;
  return (
    countByte(bytes, OPEN_BRACE, limits.maxDepth) +
      countByte(bytes, OPEN_BRACKET, limits.maxDepth) <=
    limits.maxDepth
  );
}

/** How many times `byte` occurs in `bytes`, counted up to just past `atMost`. */
function countByte(bytes: Uint8Array, byte: number, atMost: number): number {
  let count = 0;
  for (let at = bytes.indexOf(byte); at >= 0 && count <= atMost; at = bytes.indexOf(byte, at + 1)) {
    count++;
  }
  return count;
}

/** Why the JSON text in `bytes` is too big to parse within `limits`, or null when it is not. */
export function jsonShapeFault(bytes: Uint8Array, limits: JsonShapeLimits): JsonShapeFault {
  if (withinShapeBound(bytes, limits)) return null;
  let depth = 0;
  let cost = 0;
  let inString = false;
  // A scalar other than a string runs from its first byte to the next delimiter; it is costed when it ends.
  let inScalar = false;
  let scalarIsNumber = false;
  let scalarIsHeap = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (inScalar) {
      if (scalarIsNumber && (byte === DOT || byte === LOWER_E || byte === UPPER_E)) {
        scalarIsHeap = true;
        continue;
      }
      if (!isDelimiter(byte)) continue;
      inScalar = false;
      cost += scalarIsHeap ? 2 : 1;
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        cost += 2;
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        depth += 1;
        cost += 4;
        if (depth > limits.maxDepth) return 'too_deep';
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        depth -= 1;
        break;
      default:
        if (!isDelimiter(byte)) {
          inScalar = true;
          scalarIsNumber = byte === MINUS || (byte >= DIGIT_0 && byte <= DIGIT_9);
          scalarIsHeap = false;
        }
    }
    if (cost > limits.maxCost) return 'too_many_values';
  }
  if (inScalar) cost += scalarIsHeap ? 2 : 1;
  return cost > limits.maxCost ? 'too_many_values' : null;
}

function isDelimiter(byte: number): boolean {
  return (
    byte === COMMA ||
    byte === COLON ||
    byte === CLOSE_BRACE ||
    byte === CLOSE_BRACKET ||
    byte === 0x20 ||
    byte === 0x0a ||
    byte === 0x0d ||
    byte === 0x09
  );
}
