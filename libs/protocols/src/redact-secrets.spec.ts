import { classifyUpstreamStatus } from './upstream-errors';
import { REDACTED, redactSecrets } from './redact-secrets';

const KEY = 'upstream-key-7f3a9c';

describe('redactSecrets', () => {
  it.each<[string, string, string]>([
    ['the key alone', `invalid key ${KEY}.`, `invalid key ${REDACTED}.`],
    ['the key twice', `${KEY} / ${KEY}`, `${REDACTED} / ${REDACTED}`],
    [
      'an echoed Authorization',
      `Authorization: Bearer ${KEY}`,
      `Authorization: Bearer ${REDACTED}`,
    ],
    ['in a URL', `GET /v1?key=${KEY}`, `GET /v1?key=${REDACTED}`],
  ])('should remove the channel key: %s', (_, text, expected) => {
    expect(redactSecrets(text, [KEY])).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['a Bearer token', 'got Bearer abcdefgh12345678', `got Bearer ${REDACTED}`],
    ['a Basic credential', 'Basic dXNlcjpzZWNyZXQ=', `Basic ${REDACTED}`],
    ['an x-api-key header', 'x-api-key: abcdefgh12345678', `x-api-key: ${REDACTED}`],
    [
      'a JSON x-goog-api-key',
      '{"x-goog-api-key":"AQ.abcdefgh12345678"}',
      `{"x-goog-api-key":"${REDACTED}"}`,
    ],
    ['an api_key= pair', 'api_key=abcdefgh12345678', `api_key=${REDACTED}`],
    [
      'a ?key= query',
      'https://h/v1beta?alt=sse&key=zzzzzzzz999',
      `https://h/v1beta?alt=sse&key=${REDACTED}`,
    ],
    [
      'an OpenAI key shape',
      'Incorrect API key: sk-proj-abcdefghijklmnop1234',
      `Incorrect API key: ${REDACTED}`,
    ],
    ['an Anthropic key shape', 'key sk-ant-api03-abcdefghijklmnopq', `key ${REDACTED}`],
    ['a Google key shape', `AIza${'x'.repeat(35)} rejected`, `${REDACTED} rejected`],
  ])('should remove anything credential-shaped: %s', (_, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('should remove a secret in its JSON-escaped and URL-encoded forms', () => {
    const secret = 'p@ss/"word"+1';
    const json = JSON.stringify({ echo: secret, url: `/x?h=${encodeURIComponent(secret)}` });
    const redacted = redactSecrets(json, [secret]);
    expect(redacted).not.toContain('word');
    expect(JSON.parse(redacted)).toEqual({ echo: REDACTED, url: `/x?h=${REDACTED}` });
  });

  it('should remove a longer secret whole when a shorter one is part of it', () => {
    expect(redactSecrets('abcdef-ghijkl', ['abcdef', 'abcdef-ghijkl'])).toBe(REDACTED);
  });

  it('should keep an error envelope valid JSON and classifiable', () => {
    const body = JSON.stringify({
      error: {
        message: `Incorrect API key provided: ${KEY}. Authorization: Bearer ${KEY}`,
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    });
    const redacted = redactSecrets(body, [KEY]);
    expect(redacted).not.toContain(KEY);
    expect(classifyUpstreamStatus(401, redacted)).toBe('auth');
  });

  it('should leave ordinary text and very short values alone', () => {
    const text = 'The model `gpt-4o` does not exist; max_tokens must be at least 1 (key: value).';
    expect(redactSecrets(text, ['abc', ''])).toBe(text);
  });
});
