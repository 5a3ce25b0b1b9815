import { anthropicErrorBody } from './anthropic-messages/errors';
import { geminiErrorBody } from './gemini/errors';

describe('error envelopes', () => {
  it.each([
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [503, 'overloaded_error'],
  ])('anthropic %i → %s', (status, type) => {
    expect(JSON.parse(anthropicErrorBody(status, 'm'))).toEqual({
      type: 'error',
      error: { type, message: 'm' },
    });
  });

  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
  ])('gemini %i → %s', (status, name) => {
    expect(JSON.parse(geminiErrorBody(status, 'm'))).toEqual({
      error: { code: status, message: 'm', status: name },
    });
  });
});
