// Anthropic's error envelope and mid-stream error event, as the Anthropic SDKs read them.
import { anthropicErrorBody, anthropicErrorType, anthropicStreamErrorEvent } from './errors';

describe('anthropicErrorType', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'billing_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [422, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [502, 'api_error'],
    [503, 'overloaded_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
  ])('%i -> %s', (status, type) => {
    expect(anthropicErrorType(status)).toBe(type);
  });
});

describe('anthropicStreamErrorEvent', () => {
  it('is one `error` SSE event whose data is the error envelope', () => {
    expect(anthropicStreamErrorEvent(504, 'upstream timed out')).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"timeout_error","message":"upstream timed out"}}\n\n',
    );
  });

  it('escapes the message as JSON, on one data line', () => {
    const event = anthropicStreamErrorEvent(502, 'model "x"\nfailed');
    expect(event.split('\n')).toHaveLength(4);
    expect(JSON.parse(event.split('\n')[1].slice('data: '.length))).toEqual(
      JSON.parse(anthropicErrorBody(502, 'model "x"\nfailed')),
    );
  });
});
