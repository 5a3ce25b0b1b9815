// The Gemini 400 and the error that ends a stream after its first byte.
import { geminiInvalidArgument, geminiInvalidJsonError, geminiStreamError } from './errors';

describe('geminiStreamError', () => {
  const envelope =
    '{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED"}}';

  it.each([
    ['SSE', { sse: true, opened: true }, `data: ${envelope}\r\n\r\n`],
    ['SSE before any event', { sse: true, opened: false }, `data: ${envelope}\r\n\r\n`],
    ['an open JSON array', { sse: false, opened: true }, `,\r\n${envelope}\n]`],
    ['a JSON array not yet opened', { sse: false, opened: false }, `[${envelope}]`],
  ])('ends %s', (_case, mode, expected) => {
    expect(geminiStreamError(429, 'Quota exceeded.', mode)).toBe(expected);
  });
});

describe('geminiInvalidArgument', () => {
  it('is a 400 INVALID_ARGUMENT naming the field', () => {
    expect(geminiInvalidArgument('bad', 'contents[0].role')).toEqual({
      status: 400,
      type: 'INVALID_ARGUMENT',
      code: null,
      param: 'contents[0].role',
      message: 'bad',
    });
    expect(geminiInvalidJsonError()).toMatchObject({ status: 400, param: null });
  });
});
