// Google's API error envelope, `{"error":{"code","message","status","details"?}}`, with the messages the
// Gemini API really sends (including the asterisk-and-newline form of its field validation errors).
import { UpstreamError } from '../fake-upstream/fake-upstream.server';

export type GoogleStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

export interface GeminiErrorEnvelope {
  error: { code: number; message: string; status: GoogleStatus; details?: unknown[] };
}

/** Thrown inside the fake to end a request with an error response; never leaves the module. */
export class GeminiApiError extends UpstreamError {
  constructor(
    code: number,
    readonly googleStatus: GoogleStatus,
    message: string,
    readonly details?: unknown[],
  ) {
    super(code, message);
  }

  override envelope(): GeminiErrorEnvelope {
    const error = { code: this.status, message: this.message, status: this.googleStatus };
    return { error: this.details ? { ...error, details: this.details } : error };
  }
}

export function invalidArgument(message: string, details?: unknown[]): GeminiApiError {
  return new GeminiApiError(400, 'INVALID_ARGUMENT', message, details);
}

/** A field validation error as the API words it: `* <Request>.<field path>: <problem>` and a newline. */
export function fieldViolation(field: string, problem: string): GeminiApiError {
  return invalidArgument(`* ${field}: ${problem}\n`);
}

/** A JSON body that does not fit the request's schema (unknown field, wrong type), found while parsing. */
export function invalidPayload(description: string): GeminiApiError {
  const message = `Invalid JSON payload received. ${description}`;
  return invalidArgument(message, [
    {
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: [{ description: message }],
    },
  ]);
}

export function unknownField(name: string, at: string | null): GeminiApiError {
  return invalidPayload(
    `Unknown name "${name}"${at === null ? '' : ` at '${at}'`}: Cannot find field.`,
  );
}

export function malformedJson(): GeminiApiError {
  return invalidPayload('Unexpected token.');
}

export function invalidRole(): GeminiApiError {
  return invalidArgument('Please use a valid role: user, model.');
}

export function missingApiKey(): GeminiApiError {
  return new GeminiApiError(
    403,
    'PERMISSION_DENIED',
    "Method doesn't allow unregistered callers (callers without established identity). Please use API " +
      'Key or other form of API consumer identity to call this API.',
  );
}

export function invalidApiKey(): GeminiApiError {
  const message = 'API key not valid. Please pass a valid API key.';
  return invalidArgument(message, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
  ]);
}

export function modelNotFound(model: string, version: string, method: string): GeminiApiError {
  return new GeminiApiError(
    404,
    'NOT_FOUND',
    `models/${model} is not found for API version ${version}, or is not supported for ${method}. Call ` +
      'ListModels to see the list of available models and their supported methods.',
  );
}

export function notFound(): GeminiApiError {
  return new GeminiApiError(404, 'NOT_FOUND', 'Requested entity was not found.');
}

export function internalError(): GeminiApiError {
  return new GeminiApiError(
    500,
    'INTERNAL',
    'An internal error has occurred. Please retry or report in ' +
      'https://developers.generativeai.google/guide/troubleshooting',
  );
}

/** The error a `status` fault sends when the test gives no body: what the Gemini API sends with that status. */
export function errorForStatus(status: number): GeminiApiError {
  const error = (googleStatus: GoogleStatus, message: string) =>
    new GeminiApiError(status, googleStatus, message);
  switch (status) {
    case 400:
      return error('INVALID_ARGUMENT', 'Request contains an invalid argument.');
    case 401:
      return error(
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or ' +
          'other valid authentication credential.',
      );
    case 403:
      return error('PERMISSION_DENIED', 'The caller does not have permission');
    case 404:
      return notFound();
    case 429:
      return error(
        'RESOURCE_EXHAUSTED',
        'You exceeded your current quota, please check your plan and billing details. For more ' +
          'information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
      );
    case 500:
      return internalError();
    case 503:
      return error('UNAVAILABLE', 'The model is overloaded. Please try again later.');
    case 504:
      return error('DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.');
    default:
      return status >= 500
        ? error('INTERNAL', `The server returned status ${status}.`)
        : error('FAILED_PRECONDITION', `The request failed with status ${status}.`);
  }
}
