import { ErrorClass } from '@relaymesh/contracts';
import {
  classifyUpstreamError,
  classifyUpstreamStatus,
  describeUpstreamStatus,
  isRetryable,
} from './upstream-errors';

const openAI = (code: string, type: string, message = 'x') =>
  JSON.stringify({ error: { message, type, param: null, code } });
const anthropic = (type: string, message = 'x') =>
  JSON.stringify({ type: 'error', error: { type, message } });
const gemini = (code: number, status: string, message: string, details: unknown[] = []) =>
  JSON.stringify({ error: { code, message, status, details } });
const errorInfo = (reason: string) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
});
const quotaFailure = (quotaId: string) => ({
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
  violations: [
    { quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaId },
  ],
});

describe('classifyUpstreamStatus', () => {
  it.each<[string, number, string, ErrorClass]>([
    ['success', 200, '', 'none'],
    ['a bare 400', 400, '{"error":{"message":"bad"}}', 'client'],
    ['404', 404, '', 'client'],
    ['413', 413, '', 'client'],
    ['422', 422, '', 'client'],
    ['a bare 403', 403, '', 'auth'],
    ['402', 402, '', 'quota'],
    ['408', 408, '', 'timeout'],
    ['500', 500, '', 'server'],
    ['503 text', 503, 'overloaded', 'server'],
    // OpenAI
    ['OpenAI invalid_api_key', 401, openAI('invalid_api_key', 'invalid_request_error'), 'auth'],
    [
      'OpenAI account_deactivated',
      401,
      openAI('account_deactivated', 'invalid_request_error'),
      'auth',
    ],
    [
      'OpenAI insufficient_quota is a 429 that is not a rate limit',
      429,
      openAI('insufficient_quota', 'insufficient_quota', 'You exceeded your current quota'),
      'quota',
    ],
    [
      'OpenAI billing_hard_limit_reached',
      400,
      openAI('billing_hard_limit_reached', 'invalid_request_error'),
      'quota',
    ],
    ['OpenAI rate limit', 429, openAI('rate_limit_exceeded', 'requests'), 'rate_limited'],
    ['OpenAI model_not_found', 404, openAI('model_not_found', 'invalid_request_error'), 'client'],
    ['OpenAI server_error', 500, openAI('server_error', 'server_error'), 'server'],
    // Anthropic
    [
      'Anthropic authentication_error',
      401,
      anthropic('authentication_error', 'invalid x-api-key'),
      'auth',
    ],
    ['Anthropic permission_error', 403, anthropic('permission_error'), 'auth'],
    [
      'Anthropic credit balance too low (a 400)',
      400,
      anthropic(
        'invalid_request_error',
        'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
      ),
      'quota',
    ],
    ['Anthropic rate_limit_error', 429, anthropic('rate_limit_error'), 'rate_limited'],
    [
      'Anthropic overloaded_error (529)',
      529,
      anthropic('overloaded_error', 'Overloaded'),
      'server',
    ],
    ['Anthropic request_too_large', 413, anthropic('request_too_large'), 'client'],
    [
      'Anthropic invalid_request_error',
      400,
      anthropic('invalid_request_error', 'max_tokens: required'),
      'client',
    ],
    // Gemini
    [
      'Gemini API_KEY_INVALID (a 400)',
      400,
      gemini(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        errorInfo('API_KEY_INVALID'),
      ]),
      'auth',
    ],
    ['Gemini PERMISSION_DENIED', 403, gemini(403, 'PERMISSION_DENIED', 'denied'), 'auth'],
    [
      'Gemini RESOURCE_EXHAUSTED per minute is a rate limit',
      429,
      gemini(
        429,
        'RESOURCE_EXHAUSTED',
        'You exceeded your current quota, please check your plan and billing details.',
        [quotaFailure('GenerateRequestsPerMinutePerProjectPerModel-FreeTier')],
      ),
      'rate_limited',
    ],
    [
      'Gemini RESOURCE_EXHAUSTED per day is an exhausted quota',
      429,
      gemini(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', [
        quotaFailure('GenerateRequestsPerDayPerProjectPerModel-FreeTier'),
      ]),
      'quota',
    ],
    [
      'Gemini RESOURCE_EXHAUSTED without details',
      429,
      gemini(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted'),
      'rate_limited',
    ],
    ['Gemini INVALID_ARGUMENT', 400, gemini(400, 'INVALID_ARGUMENT', 'bad field'), 'client'],
    ['Gemini UNAVAILABLE', 503, gemini(503, 'UNAVAILABLE', 'The model is overloaded.'), 'server'],
    [
      'a Gemini error array',
      400,
      `[${gemini(400, 'INVALID_ARGUMENT', 'k', [errorInfo('API_KEY_INVALID')])}]`,
      'auth',
    ],
  ])('%s → %s', (_, status, body, expected) => {
    expect(classifyUpstreamStatus(status, body)).toBe(expected);
  });

  it('should name the provider code and message', () => {
    expect(
      describeUpstreamStatus(
        401,
        openAI('invalid_api_key', 'invalid_request_error', 'Incorrect API key'),
      ),
    ).toEqual({ errorClass: 'auth', code: 'invalid_api_key', message: 'Incorrect API key' });
    expect(
      describeUpstreamStatus(
        400,
        gemini(400, 'INVALID_ARGUMENT', 'API key not valid.', [errorInfo('API_KEY_INVALID')]),
      ),
    ).toEqual({ errorClass: 'auth', code: 'API_KEY_INVALID', message: 'API key not valid.' });
    expect(describeUpstreamStatus(502, '<html>bad gateway</html>')).toEqual({
      errorClass: 'server',
      code: null,
      message: null,
    });
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
    [
      Object.assign(new Error('The operation was aborted due to timeout'), {
        name: 'TimeoutError',
      }),
      'timeout',
    ],
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
