import { ErrorClass } from '@relaymesh/contracts';
import { classifyUpstreamError, classifyUpstreamStatus, isRetryable } from './error-class';

describe('classifyUpstreamStatus', () => {
  it.each<[number, string, ErrorClass]>([
    [200, '', 'none'],
    [400, '{"error":{"message":"bad"}}', 'client'],
    [404, '', 'client'],
    [413, '', 'client'],
    [422, '', 'client'],
    [401, '{"error":{"code":"invalid_api_key"}}', 'auth'],
    [403, '', 'auth'],
    [402, '', 'quota'],
    [429, '{"error":{"type":"requests","code":"rate_limit_exceeded"}}', 'rate_limited'],
    [429, '{"error":{"type":"insufficient_quota","code":"insufficient_quota"}}', 'quota'],
    [
      400,
      '{"type":"error","error":{"message":"Your credit balance is too low to access the Anthropic API."}}',
      'quota',
    ],
    [408, '', 'timeout'],
    [500, '', 'server'],
    [503, 'overloaded', 'server'],
  ])('%i %s → %s', (status, body, expected) => {
    expect(classifyUpstreamStatus(status, body)).toBe(expected);
  });
});

describe('classifyUpstreamError', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  it.each<[unknown, ErrorClass]>([
    [withCode('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [withCode('UND_ERR_BODY_TIMEOUT'), 'timeout'],
    [withCode('ECONNREFUSED'), 'connect'],
    [Object.assign(new Error('fetch failed'), { cause: withCode('ENOTFOUND') }), 'connect'],
    [withCode('ECONNRESET'), 'reset'],
    [withCode('UND_ERR_SOCKET'), 'reset'],
    [new Error('other side closed'), 'reset'],
  ])('%p → %s', (err, expected) => {
    expect(classifyUpstreamError(err)).toBe(expected);
  });

  it('should retry channel faults and never the caller’s own', () => {
    expect(isRetryable('server')).toBe(true);
    expect(isRetryable('auth')).toBe(true);
    expect(isRetryable('client')).toBe(false);
    expect(isRetryable('none')).toBe(false);
  });
});
