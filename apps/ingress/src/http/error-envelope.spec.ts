import { errorEnvelope, formatOfPath } from './error-envelope';

describe('formatOfPath', () => {
  it.each([
    ['/v1/chat/completions', 'openai'],
    ['/v1/responses', 'openai'],
    ['/v1/embeddings?x=1', 'openai'],
    ['/v1/messages', 'anthropic'],
    ['/v1/messages/count_tokens', 'anthropic'],
    ['/v1/messages?beta=true', 'anthropic'],
    ['/v1beta/models/gemini-2.5-flash:generateContent', 'gemini'],
    ['/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse', 'gemini'],
    ['/v1/models/text-embedding-004:embedContent', 'gemini'],
    ['/v1/models/text-embedding-004:batchEmbedContents', 'gemini'],
    ['/admin/channels', 'admin'],
    ['/nope', 'openai'],
  ])('%s → %s', (path, format) => {
    expect(formatOfPath(path)).toBe(format);
  });
});

describe('errorEnvelope', () => {
  it('should render OpenAI errors with type, code and param', () => {
    expect(
      JSON.parse(errorEnvelope('openai', 400, 'bad', { code: 'empty_array', param: 'messages' })),
    ).toEqual({
      error: {
        message: 'bad',
        type: 'invalid_request_error',
        code: 'empty_array',
        param: 'messages',
      },
    });
  });

  it('should render the admin API error shape', () => {
    expect(JSON.parse(errorEnvelope('admin', 404, 'gone'))).toEqual({ error: { message: 'gone' } });
  });
});
