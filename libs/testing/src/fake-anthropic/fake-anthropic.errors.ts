// Anthropic's error envelope, `{"type":"error","error":{"type","message"},"request_id"}`, with the error types
// and messages the real API uses, so code that parses upstream errors meets the text it meets in production.
import { UpstreamError } from '../fake-upstream/fake-upstream.server';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface AnthropicErrorEnvelope {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

/** Thrown inside the fake to end a request with an error response; never leaves the module. */
export class AnthropicApiError extends UpstreamError {
  constructor(
    status: number,
    readonly type: AnthropicErrorType,
    message: string,
  ) {
    super(status, message);
  }

  override envelope(): AnthropicErrorEnvelope {
    return { type: 'error', error: { type: this.type, message: this.message } };
  }
}

/** A 400 `invalid_request_error`; validation messages are `<location>: <problem>`, as the API words them. */
export function invalidRequest(message: string): AnthropicApiError {
  return new AnthropicApiError(400, 'invalid_request_error', message);
}

export function missingApiKey(): AnthropicApiError {
  return new AnthropicApiError(401, 'authentication_error', 'x-api-key header is required');
}

export function invalidApiKey(): AnthropicApiError {
  return new AnthropicApiError(401, 'authentication_error', 'invalid x-api-key');
}

export function invalidBearerToken(): AnthropicApiError {
  return new AnthropicApiError(401, 'authentication_error', 'Invalid bearer token');
}

export function missingVersion(): AnthropicApiError {
  return invalidRequest('anthropic-version: header is required');
}

export function malformedJson(): AnthropicApiError {
  return invalidRequest(
    'There was an error parsing the body of your request. Please ensure your body is valid JSON.',
  );
}

export function notFound(): AnthropicApiError {
  return new AnthropicApiError(404, 'not_found_error', 'Not Found');
}

export function modelNotFound(model: string): AnthropicApiError {
  return new AnthropicApiError(404, 'not_found_error', `model: ${model}`);
}

export function internalError(): AnthropicApiError {
  return new AnthropicApiError(500, 'api_error', 'Internal server error');
}

/** The error a `status` fault sends when the test gives no body: what Anthropic sends with that status. */
export function errorForStatus(status: number): AnthropicApiError {
  const error = (type: AnthropicErrorType, message: string) =>
    new AnthropicApiError(status, type, message);
  switch (status) {
    case 400:
      return error('invalid_request_error', 'Invalid request.');
    case 401:
      return error('authentication_error', 'invalid x-api-key');
    case 402:
      return error(
        'billing_error',
        'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to ' +
          'upgrade or purchase credits.',
      );
    case 403:
      return error(
        'permission_error',
        'Your API key does not have permission to use the specified resource.',
      );
    case 404:
      return error('not_found_error', 'The requested resource could not be found.');
    case 413:
      return error('request_too_large', 'Request exceeds the maximum allowed number of bytes.');
    case 429:
      return error(
        'rate_limit_error',
        'Number of request tokens has exceeded your per-minute rate limit ' +
          '(https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. ' +
          'Please reduce the prompt length or the maximum tokens requested, or try again later.',
      );
    case 500:
      return internalError();
    case 504:
      return error('timeout_error', 'Request timed out');
    case 529:
      return error('overloaded_error', 'Overloaded');
    default:
      return status >= 500
        ? error('api_error', `The server returned status ${status}.`)
        : error('invalid_request_error', `The request failed with status ${status}.`);
  }
}
