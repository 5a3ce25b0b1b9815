// Anthropic's error envelope, {"type":"error","error":{"type","message"}}, with the error types the API uses,
// and the `error` event that ends a stream after its first byte (the status line is long gone by then).
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 413:
      return status === 413 ? 'request_too_large' : 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The status an Anthropic error type stands for (the inverse of `anthropicErrorType`); 500 when unknown. */
export function anthropicErrorStatus(type: unknown): number {
  switch (type) {
    case 'invalid_request_error':
      return 400;
    case 'authentication_error':
      return 401;
    case 'billing_error':
      return 402;
    case 'permission_error':
      return 403;
    case 'not_found_error':
      return 404;
    case 'request_too_large':
      return 413;
    case 'rate_limit_error':
      return 429;
    case 'timeout_error':
      return 504;
    case 'overloaded_error':
      return 529;
    default:
      return 500;
  }
}

export function anthropicErrorBody(status: number, message: string): string {
  return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(status), message } });
}

/**
 * The mid-stream error as the API sends it (`event: error`, data the same envelope as an error response); the
 * Anthropic SDKs raise an APIError of that type from it.
 */
export function anthropicStreamErrorEvent(status: number, message: string): string {
  return `event: error\ndata: ${anthropicErrorBody(status, message)}\n\n`;
}
