import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { answerClientError, clientErrorResponse } from './client-error';

/** Splits a raw HTTP response into its status, headers and parsed body. */
function parse(raw: string) {
  const [head, body] = raw.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
  );
  return { statusLine, headers, body: JSON.parse(body) as { error: Record<string, unknown> } };
}

describe('clientErrorResponse', () => {
  it.each([
    ['HPE_INVALID_METHOD', 'HTTP/1.1 400 Bad Request', 'malformed_request'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 'HTTP/1.1 400 Bad Request', 'malformed_request'],
    [undefined, 'HTTP/1.1 400 Bad Request', 'malformed_request'],
    ['HPE_HEADER_OVERFLOW', 'HTTP/1.1 431 Request Header Fields Too Large', 'headers_too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 'HTTP/1.1 408 Request Timeout', 'request_timeout'],
  ])('%s: %s in the OpenAI envelope with the request id', (code, statusLine, errorCode) => {
    const answer = parse(clientErrorResponse(code, 'req-1'));
    expect(answer.statusLine).toBe(statusLine);
    expect(answer.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': 'req-1',
      connection: 'close',
    });
    expect(answer.body.error).toMatchObject({ code: errorCode, param: null });
    expect(typeof answer.body.error['message']).toBe('string');
    expect(typeof answer.body.error['type']).toBe('string');
  });

  it('should state the body length in bytes', () => {
    const raw = clientErrorResponse('HPE_INVALID_METHOD', 'req-1');
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(raw).toContain(`content-length: ${Buffer.byteLength(body)}\r\n`);
  });
});

describe('answerClientError on a real connection', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // A client still uploading an oversized head when the refusal is written: without a lingering close its next
  // bytes meet a closed socket, the kernel resets the connection, and the unread 431 is lost with it.
  it('should deliver the 431 to a client that is still sending when it is written', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.pause();
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', (err) => reject(err));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nx-big: ${'a'.repeat(64 * 1024)}`);
      // More of the head after the server has refused it, then read only once that has reached it.
      setTimeout(() => socket.write('b'.repeat(64 * 1024)), 100);
      setTimeout(() => socket.resume(), 300);
      setTimeout(() => socket.end(), 350);
    });
    expect(answer.slice(0, answer.indexOf('\r\n'))).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large',
    );
    expect(answer).toMatch(/\r\nx-request-id: \S+\r\n/);
  });
});
