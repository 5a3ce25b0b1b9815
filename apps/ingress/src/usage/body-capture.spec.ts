import {
  BodyCapture,
  captureWrites,
  loggedBodies,
  presentedCredentials,
  TRUNCATION_MARK,
} from './body-capture';

describe('BodyCapture', () => {
  it('keeps a body under the cap whole, from strings and bytes alike', () => {
    const capture = new BodyCapture(1024);
    capture.append('data: {"a":1}\n\n');
    capture.append(Buffer.from('data: [DONE]\n\n'));
    expect(capture.text()).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
    expect(capture.truncated).toBe(false);
  });

  it('keeps at most the cap, across chunks, and marks the cut', () => {
    const capture = new BodyCapture(10);
    capture.append('0123456');
    capture.append('789abc');
    capture.append('never kept');
    expect(capture.text()).toBe('0123456789' + TRUNCATION_MARK);
    expect(capture.truncated).toBe(true);
  });

  it('a body exactly at the cap is not marked as cut', () => {
    const capture = new BodyCapture(4);
    capture.append('abcd');
    capture.append('');
    expect(capture.truncated).toBe(false);
    expect(capture.text()).toBe('abcd');
  });

  it('drops a multi-byte character split by the cap', () => {
    const capture = new BodyCapture(4);
    capture.append('ab€'); // € is 3 bytes: only one fits
    expect(capture.text()).toBe('ab' + TRUNCATION_MARK);
  });

  it('redacts credentials and the given secrets', () => {
    const capture = new BodyCapture(1024);
    capture.append('{"auth":"Bearer sk-abcdefghijklmnopqrstuvwxyz","note":"my-own-secret-value"}');
    const text = capture.text(['my-own-secret-value']);
    expect(text).not.toContain('sk-abcdefghijklmnopqrstuvwxyz');
    expect(text).not.toContain('my-own-secret-value');
    expect(text).toContain('[REDACTED]');
  });
});

describe('loggedBodies', () => {
  it('is truncated when either side was cut; an absent side is null', () => {
    const request = new BodyCapture(3);
    request.append('abcdef');
    expect(loggedBodies(request, undefined)).toEqual({
      request: 'abc' + TRUNCATION_MARK,
      response: null,
      truncated: true,
    });
  });
});

describe('captureWrites', () => {
  it('copies what is written and ended, and still writes it', () => {
    const written: unknown[] = [];
    const res = {
      write: (chunk: unknown) => written.push(chunk) > 0,
      end: (chunk?: unknown) => {
        if (chunk !== undefined) written.push(chunk);
      },
    };
    const capture = new BodyCapture(1024);
    captureWrites(res, capture);
    res.write('data: 1\n\n');
    res.write(Buffer.from('data: 2\n\n'));
    res.end(() => undefined as unknown);
    expect(capture.text()).toBe('data: 1\n\ndata: 2\n\n');
    expect(written).toHaveLength(3);
  });
});

describe('presentedCredentials', () => {
  it('takes the key from each auth header, without its scheme', () => {
    expect(
      presentedCredentials({
        authorization: 'Bearer operator-chosen-key-1',
        'x-api-key': 'operator-chosen-key-2',
        'x-goog-api-key': undefined,
        'content-type': 'application/json',
      }),
    ).toEqual(['operator-chosen-key-1', 'operator-chosen-key-2']);
  });

  it('lets the capture redact a key of any shape', () => {
    const capture = new BodyCapture(1024);
    capture.append('{"content":"my key is operator-chosen-key-1"}');
    const text = capture.text(
      presentedCredentials({ authorization: 'Bearer operator-chosen-key-1' }),
    );
    expect(text).toBe('{"content":"my key is [REDACTED]"}');
  });
});
