// Upstream text that may echo a credential back: an error body quoting the request's `Authorization`, a proxy's
// "invalid key sk-..." page. Every such text is passed through here before it reaches a client (a relayed or
// re-rendered upstream error), a channel's health record (`last_error`, `reason`, readable with a read-only
// admin token) or a log line. Two layers: the channel's own secrets wherever they appear (also JSON-escaped and
// URL-encoded), and anything shaped like a credential (`Bearer …`, `x-api-key: …`, `?key=…`, provider key
// prefixes) whoever it belongs to. The replacement keeps a JSON body JSON, so it can still be classified and
// relayed. Pure, table-tested.

export const REDACTED = '[REDACTED]';

/**
 * Values shorter than this are not searched for: replacing a 3-letter "secret" would mangle ordinary words and
 * JSON keys, and the credential-shaped patterns still apply.
 */
export const MIN_REDACTED_SECRET_LENGTH = 6;

/** Characters of a token in an auth header or query parameter (RFC 6750 b64token, plus URL-safe base64). */
const TOKEN = '[A-Za-z0-9._~+/=-]{8,}';

const CREDENTIAL_PATTERNS: readonly [RegExp, string][] = [
  // `Authorization: Bearer sk-…`, `Basic dXNlcjpwYXNz` (the scheme is kept: it says what was there).
  [new RegExp(`\\b(Bearer|Basic)(\\s+)${TOKEN}`, 'gi'), `$1$2${REDACTED}`],
  // `x-api-key: …`, `"x-goog-api-key":"…"`, `api_key=…`, `authorization=…`.
  [
    new RegExp(
      `\\b(x-api-key|x-goog-api-key|api[-_]?key|authorization)(["']?\\s*[:=]\\s*["']?)(?!Bearer\\b|Basic\\b)${TOKEN}`,
      'gi',
    ),
    `$1$2${REDACTED}`,
  ],
  // A URL echoed with its credential in the query: `?key=AIza…` (Gemini), `&access_token=…`.
  [/([?&](?:key|api_key|apikey|access_token|token)=)[^&\s"'#<]{8,}/gi, `$1${REDACTED}`],
  // Provider key shapes on their own: OpenAI `sk-…`/`sk-proj-…`, Anthropic `sk-ant-…`, Google `AIza…`.
  [/\b(?:sk-[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,})/g, REDACTED],
];

/** `text` with `secrets` (a channel's keys and secret header values) and credential-shaped tokens removed. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let redacted = text;
  for (const form of secretForms(secrets)) {
    if (redacted.includes(form)) redacted = redacted.split(form).join(REDACTED);
  }
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) {
    redacted = redacted.replace(pattern, replacement);
  }
  return redacted;
}

/** Each secret as it may appear in an echo: raw, JSON-escaped, URL-encoded; longest first. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_REDACTED_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}
