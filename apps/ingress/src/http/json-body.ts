// The one JSON body parser of ingress, used by both front doors (the lean listener and Fastify's content-type
// parser), so a body is accepted or refused alike whichever listener takes it.
//
// Besides what secure-json-parse refuses (`__proto__` / `constructor.prototype` keys), it bounds nesting depth:
// JSON.parse builds a 10^5-deep array without complaint, but every recursive walk after it (JSON.stringify of a
// pass-through body, a translation, an estimate) overflows the stack, which surfaced as a 500. MAX_JSON_DEPTH is
// far above any real body: a request wraps its content in ~6 levels (messages[].content[].input...), and tool
// JSON schemas or a Gemini functionResponse nest tens deep at most; it is far below the ~10^4 levels at which a
// recursive walk runs out of stack.
import secureJson from 'secure-json-parse';
import { GatewayError } from './gateway-error';

export const MAX_JSON_DEPTH = 256;

/** A body that is not acceptable JSON; `message` is Fastify's wording where Fastify has one (status 400). */
export class JsonBodyError extends Error {
  readonly statusCode = 400;
}

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether the text nests arrays/objects deeper than `limit`, counting brackets outside strings in one pass.
 * Strings are skipped with indexOf (most of a chat body is string content), so the pass costs a fraction of
 * JSON.parse. Malformed text (an unterminated string, unbalanced brackets) is left for JSON.parse to refuse.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Find the closing quote: one preceded by an even number of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return false;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** The parsed body, or a JsonBodyError saying why not. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) {
    throw new JsonBodyError("Body cannot be empty when content-type is set to 'application/json'");
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new JsonBodyError(
      `Body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels, more than any request needs`,
    );
  }
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new JsonBodyError("Body is not valid JSON but content-type is set to 'application/json'");
  }
}

/** The refusal of a body that is not acceptable JSON, worded once for both listeners. */
export function jsonBodyRefusal(err: JsonBodyError): GatewayError {
  return new GatewayError(400, `We could not parse the JSON body of your request: ${err.message}`, {
    code: 'invalid_json',
  });
}
