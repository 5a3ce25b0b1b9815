// The field types every admin write and query is built from (channels, keys, prices, usage queries, the config
// file), so that what passes the edge can always be stored and logged: Postgres refuses NUL in text and lone
// surrogates in jsonb, a timestamp before year 1 or an amount of 1e308, and it used to answer those with an
// exception the admin API could only report as "control plane did not answer". Refused here instead, with a 400
// naming the field. Header names and values are checked as HTTP itself would, so a channel cannot be stored
// that every request would fail on.
import { z } from 'zod';

/** C0 and C1 control characters (NUL, CR, LF, ESC, ...) and the Unicode line separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** A UTF-16 surrogate without its pair: not Unicode text, and jsonb refuses its escape. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isPlainText(value: string): boolean {
  return !CONTROL.test(value) && !LONE_SURROGATE.test(value);
}

/** A name or identifier a person typed: trimmed, 1 to `max` characters, no control characters. */
export function plainText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(
      isPlainText,
      'must not contain control characters (NUL, CR, LF, ...) or lone surrogates',
    );
}

/** Years Postgres and every client can store and show; an expiry or a query bound outside is a typo. */
const MIN_DATE = Date.UTC(1970, 0, 1);
const MAX_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An ISO 8601 date-time with offset, from 1970 to 9999. */
export const DateTimeSchema = z.iso.datetime({ offset: true }).refine((value) => {
  const at = Date.parse(value);
  return at >= MIN_DATE && at <= MAX_DATE;
}, 'must be between 1970-01-01 and 9999-12-31');

/** An amount of money the ledger can add up without overflow. */
export const MAX_USD = 1e12;

/** An upstream credential sent in a header: printable ASCII, no spaces or line breaks. */
export const CredentialSchema = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces or line breaks');

/** RFC 9110 `token`: what an HTTP header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 field-value: visible characters, spaces and tabs; never CR, LF or NUL. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Headers the gateway's HTTP client owns (framing and connection management): a channel that set them would
 * corrupt or break every request it sends.
 */
const FORBIDDEN_HEADERS = new Set([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Headers that carry the upstream key (OpenAI's Bearer, Anthropic's and Gemini's key headers): the gateway sets
 * them from the channel's `keys` on every request, so a fixed one would either be overwritten or, on a channel of
 * another format, send a second credential the operator did not mean to.
 */
const AUTH_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key']);

export function authHeaderName(name: string): boolean {
  return AUTH_HEADERS.has(name.toLowerCase());
}

export function forbiddenHeaderName(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_HEADERS.has(lower) || lower.startsWith('proxy-');
}

const HeaderNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(HEADER_NAME, "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)")
  .refine(
    (name) => !forbiddenHeaderName(name),
    'is set by the gateway itself (connection, content-length, host, transfer-encoding, proxy-*, ...)',
  )
  .refine(
    (name) => !authHeaderName(name),
    'carries the upstream key, which the gateway sends from keys: put the credential in keys',
  );

const HeaderValueSchema = z
  .string()
  .max(8192)
  .regex(HEADER_VALUE, 'must not contain CR, LF, NUL or other control characters');

/** Extra headers sent to an upstream: valid names and values, no header twice (names are case-insensitive). */
export const HeadersSchema = z.record(z.string(), HeaderValueSchema).superRefine((headers, ctx) => {
  const seen = new Set<string>();
  for (const name of Object.keys(headers)) {
    // Checked here rather than as the record's key schema, whose refusal would not say why.
    const named = HeaderNameSchema.safeParse(name);
    if (!named.success) {
      ctx.addIssue({ code: 'custom', path: [name], message: named.error.issues[0].message });
    }
    const lower = name.toLowerCase();
    if (seen.has(lower)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'is given twice (in another case)' });
    }
    seen.add(lower);
  }
});
