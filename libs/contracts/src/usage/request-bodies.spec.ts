import { MAX_LOGGED_BODY_CHARS, RequestBodiesSchema, storableBody } from './request-bodies';

describe('storableBody', () => {
  it('keeps newlines and tabs, replaces NUL and lone surrogates', () => {
    expect(storableBody('data: {"a":1}\n\n\t')).toBe('data: {"a":1}\n\n\t');
    expect(storableBody('a\u0000b\ud800c\udc00')).toBe('a\ufffdb\ufffdc\ufffd');
    expect(storableBody('😀')).toBe('😀');
  });

  it('cuts at MAX_LOGGED_BODY_CHARS, and is idempotent', () => {
    const long = 'x'.repeat(MAX_LOGGED_BODY_CHARS + 10);
    expect(storableBody(long)).toHaveLength(MAX_LOGGED_BODY_CHARS);
    expect(storableBody(storableBody(long))).toBe(storableBody(long));
  });
});

describe('RequestBodiesSchema', () => {
  it('normalises both bodies on parse and keeps null for an absent one', () => {
    expect(
      RequestBodiesSchema.parse({ request: 'a\u0000', response: null, truncated: false }),
    ).toEqual({ request: 'a\ufffd', response: null, truncated: false });
  });
});
