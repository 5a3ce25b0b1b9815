// Requests node's HTTP parser refuses before either listener sees them (a lowercase method, Content-Length
// beside Transfer-Encoding, a CR inside a header, headers over the size limit, a head or body that takes too
// long to arrive): node emits `clientError` on the server, and the answer is written straight to the socket.
// Fastify's default wrote its own JSON shape with no x-request-id; this answers like every other refusal
// (CONTRACT §1): the OpenAI envelope, the OpenAI one because no route was parsed to say which format the caller
// speaks, with a request id. The connection is closed after it (the parser's state is unknown), lingering.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorEnvelope } from './error-envelope';
import { lingeringEnd } from './lingering-close';

/** What the refusal says, by node's error code. */
function describe(code: string | undefined): { status: number; message: string; code: string } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        message: 'The request took too long to arrive; the connection was closed.',
        code: 'request_timeout',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        message: 'The request headers are larger than the server accepts.',
        code: 'headers_too_large',
      };
    default:
      return {
        status: 400,
        message: `Malformed HTTP request: it could not be parsed${code ? ` (${code})` : ''}.`,
        code: 'malformed_request',
      };
  }
}

/** The whole HTTP response, as bytes for the socket. Pure, so its shape is unit-tested. */
export function clientErrorResponse(code: string | undefined, requestId: string): string {
  const refusal = describe(code);
  const body = errorEnvelope('openai', refusal.status, refusal.message, { code: refusal.code });
  return (
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    `x-request-id: ${requestId}\r\n` +
    'connection: close\r\n' +
    '\r\n' +
    body
  );
}

/** The server's `clientError` listener (Fastify's `clientErrorHandler`). */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has no one to answer (node's own handler skips it too).
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // A response already under way on this connection must not be followed by a second one.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    // Closed the lingering way (lingering-close.ts): a client still sending its oversized head would otherwise
    // meet a reset that can discard this answer before it reads it.
    lingeringEnd(socket, clientErrorResponse(err.code, randomUUID()));
    return;
  }
  socket.destroy(err);
}
