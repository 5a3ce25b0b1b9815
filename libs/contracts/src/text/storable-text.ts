// Text from outside (a client's model name, title or referer; anything a record carries) made safe to store,
// log and label: Postgres refuses a NUL in text and a lone UTF-16 surrogate in JSON, and one record it refuses
// must not reach the ledger's batch (issue 15, D1). Normalised rather than refused, so the request is still
// metered: a record that cannot be stored would be a request that cannot be billed.

/** Put where a character could not be kept: visible in the stored text, unlike a silent deletion. */
export const REPLACEMENT_CHARACTER = '\ufffd';

/**
 * Control characters (C0, DEL, C1: NUL among them; never meaningful in a name, a title or an id, and a CR/LF
 * would split a log line) and lone surrogates (a high one not followed by a low one, a low one not preceded by
 * a high one: not UTF-16 text at all). Without the `u` flag, so the pattern sees code units.
 */
const UNSTORABLE =
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `value` as well-formed UTF-16 without control characters, cut to at most `maxLength` code units (never in
 * the middle of a surrogate pair). Pure and idempotent: normalising normalised text changes nothing.
 */
export function storableText(value: string, maxLength: number): string {
  let text = value.length > maxLength * 2 ? value.slice(0, maxLength * 2) : value;
  text = text.replace(UNSTORABLE, REPLACEMENT_CHARACTER);
  if (text.length > maxLength) {
    text = text.slice(0, maxLength);
    // A pair cut in two leaves a lone high surrogate at the end: dropped with its half.
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) text = text.slice(0, -1);
  }
  return text;
}
