import { ErrorClass } from '@relaymesh/contracts';
import { InvalidUpstreamAnswer } from '@relaymesh/protocols';
import { failureCode, publicFailureText } from './failure-text';

describe('publicFailureText', () => {
  it.each<[ErrorClass, number, string]>([
    ['connect', 0, 'the upstream provider could not be reached'],
    ['reset', 0, 'the connection to the upstream provider failed'],
    ['server', 503, 'the upstream provider answered with an error (HTTP 503)'],
    ['server', 200, 'the upstream provider answered with an invalid response'],
    ['server', 302, 'the upstream provider answered with an invalid response'],
    ['auth', 401, "the upstream provider refused the gateway's credentials"],
    ['quota', 429, "the gateway's quota at the upstream provider is exhausted"],
  ])('should say %s (status %i) in the caller terms', (errorClass, status, text) => {
    expect(publicFailureText({ errorClass, status })).toBe(text);
  });
});

describe('failureCode', () => {
  it('should name a transport failure by its code, never by its message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(failureCode(refused)).toBe('ECONNREFUSED');
    const wrapped = new Error('fetch failed', { cause: refused });
    expect(failureCode(wrapped)).toBe('ECONNREFUSED');
    // undici's answer to an unasked 101 is an assertion; its text is code, not words for anyone.
    const assertion = Object.assign(new Error('assert(upgrade)'), { code: 'ERR_ASSERTION' });
    expect(failureCode(assertion)).toBe('ERR_ASSERTION');
    expect(failureCode(new InvalidUpstreamAnswer('too_large', 'x'))).toBe('too_large');
    expect(failureCode(Object.assign(new Error('x'), { code: 'has spaces: 1.2.3.4' }))).toBe(
      'Error',
    );
  });
});
