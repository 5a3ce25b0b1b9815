// A refusal or failure the gateway answers with. Thrown anywhere on the data path and rendered once, at the
// controller, in the envelope of the caller's wire format (CONTRACT §1 errors).
export interface GatewayErrorDetails {
  /** The format's error type when it is not the status's default (e.g. OpenAI `invalid_request_error`). */
  type?: string;
  code?: string | null;
  param?: string | null;
  /** Seconds, for 429 and 503 answers. */
  retryAfter?: number;
}

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: GatewayErrorDetails = {},
  ) {
    super(message);
  }
}

export function noAvailableChannel(model: string, group: string): GatewayError {
  // The exact message of CONTRACT §1, which new-api users already grep their logs for.
  return new GatewayError(
    503,
    `There are currently no available channels for model '${model}' in the current group ${group}.`,
    { code: 'no_available_channel' },
  );
}

/** A fault of the gateway itself: the client is told so, with the id to quote; the cause goes to the log. */
export function gatewayFault(requestId: string): GatewayError {
  return new GatewayError(
    500,
    `The gateway failed to handle this request (request id ${requestId}); this is a fault of the gateway, not of your request.`,
    { code: 'internal_error' },
  );
}

/** A path and method no route declares. */
export function unknownEndpoint(method: string, url: string): GatewayError {
  return new GatewayError(404, `Unknown endpoint: ${method} ${url.split('?')[0]}`, {
    code: 'unknown_endpoint',
  });
}
