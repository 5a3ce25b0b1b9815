import { clientErrorResponse } from './client-error';

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
