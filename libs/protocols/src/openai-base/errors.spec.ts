// OpenAI error envelopes, as the openai SDKs read them.
import { openAIErrorBody, openAIErrorType } from './errors';

describe('openAIErrorBody', () => {
  it('writes the full envelope in a fixed key order', () => {
    expect(
      openAIErrorBody({
        message: 'Incorrect API key provided: sk-abc***xyz.',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        param: null,
      }),
    ).toBe(
      '{"error":{"message":"Incorrect API key provided: sk-abc***xyz.","type":"invalid_request_error","code":"invalid_api_key","param":null}}',
    );
  });

  it('sends null for a code or param that is not given, never leaves them out', () => {
    expect(JSON.parse(openAIErrorBody({ message: 'm', type: 'server_error' }))).toEqual({
      error: { message: 'm', type: 'server_error', code: null, param: null },
    });
  });

  it('escapes the message as JSON', () => {
    const body = openAIErrorBody({
      message: 'model "x"\nnot found',
      type: 'invalid_request_error',
    });
    expect(JSON.parse(body).error.message).toBe('model "x"\nnot found');
  });
});

describe('openAIErrorType', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'invalid_request_error'],
    [402, 'insufficient_quota'],
    [403, 'invalid_request_error'],
    [404, 'invalid_request_error'],
    [413, 'invalid_request_error'],
    [429, 'requests'],
    [500, 'server_error'],
    [502, 'server_error'],
    [503, 'server_error'],
    [504, 'server_error'],
  ])('%i -> %s', (status, type) => {
    expect(openAIErrorType(status)).toBe(type);
  });
});
