// Gemini's (Google API) error envelope: {"error":{"code","message","status"}}, status as the canonical gRPC name,
// the 400 the client parser answers with, and the error that ends a stream after its first byte.
import type { ProtocolError } from '../errors';

export function geminiErrorStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 413:
      return 'INVALID_ARGUMENT';
    case 402:
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

export function geminiErrorBody(status: number, message: string): string {
  return JSON.stringify({ error: { code: status, message, status: geminiErrorStatus(status) } });
}

/** A 400 INVALID_ARGUMENT; `param` is the offending field in the request's own (camelCase) spelling. */
export function geminiInvalidArgument(message: string, param: string | null): ProtocolError {
  return { status: 400, type: 'INVALID_ARGUMENT', code: null, param, message };
}

/** For a body that is not JSON at all; the ingress answers with it before the adapter is reached. */
export function geminiInvalidJsonError(): ProtocolError {
  return geminiInvalidArgument('Invalid JSON payload received. Unexpected token.', null);
}

/**
 * The bytes that end a stream with an error once the status line is gone. Over SSE, Google sends the envelope
 * as one more `data:` event (CRLF-framed like every Gemini event), and @google/genai throws when a chunk has an
 * `error` field. In the JSON-array stream the envelope is the array's last element: `opened` says whether `[`
 * was already written (then the error follows a `,`), else the error is the whole array.
 */
export function geminiStreamError(
  status: number,
  message: string,
  mode: { sse: boolean; opened: boolean },
): string {
  const body = geminiErrorBody(status, message);
  if (mode.sse) return `data: ${body}\r\n\r\n`;
  return mode.opened ? `,\r\n${body}\n]` : `[${body}]`;
}
