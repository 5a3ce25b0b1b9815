import { Readable } from 'node:stream';
import {
  InvalidUpstreamAnswer,
  answerHeadFault,
  jsonLimitsFor,
  parseUpstreamJson,
  readBodyHead,
  readBoundedBody,
} from './upstream-answer';
import { classifyUpstreamError } from './upstream-errors';

/** A body of `chunks` chunks of `size` bytes, made as they are read, that records whether it was destroyed. */
function lazyBody(chunks: number, size: number) {
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced === chunks) return this.push(null);
      produced += 1;
      this.push(Buffer.alloc(size, 0x61));
    },
  });
  return { stream, produced: () => produced };
}

describe('readBoundedBody', () => {
  it('should read a body within the limit whole', async () => {
    const { stream } = lazyBody(4, 1000);
    expect((await readBoundedBody(stream, 4000)).length).toBe(4000);
  });

  it('should stop reading and destroy the body past the limit', async () => {
    const body = lazyBody(10_000, 64 * 1024);
    const read = readBoundedBody(body.stream, 1024 * 1024);
    await expect(read).rejects.toBeInstanceOf(InvalidUpstreamAnswer);
    await expect(read).rejects.toMatchObject({ fault: 'too_large' });
    expect(body.stream.destroyed).toBe(true);
    // Stopped right after the limit (plus what the stream had read ahead), not after 640 MB.
    expect(body.produced()).toBeLessThan(40);
  });

  it('should refuse a declared content-length over the limit before reading', async () => {
    const body = lazyBody(1, 10);
    await expect(readBoundedBody(body.stream, 5, { 'content-length': '10' })).rejects.toMatchObject(
      {
        fault: 'too_large',
      },
    );
    expect(body.stream.destroyed).toBe(true);
  });

  it("should reject with the stream's error, and as a premature close when it is destroyed quietly", async () => {
    const failing = new Readable({ read() {} });
    const failed = readBoundedBody(failing, 100);
    failing.push(Buffer.from('{"a":'));
    failing.destroy(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    await expect(failed).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    const quiet = new Readable({ read() {} });
    const cut = readBoundedBody(quiet, 100);
    quiet.push(Buffer.from('{"a":'));
    quiet.destroy();
    await expect(cut).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect(classifyUpstreamError(await cut.catch((err: unknown) => err))).toBe('reset');
  });

  it('should be classified as the upstream server fault', () => {
    expect(classifyUpstreamError(new InvalidUpstreamAnswer('too_large', 'x'))).toBe('server');
  });
});

describe('readBodyHead', () => {
  it('should give a short body as text and say when a long one was cut', async () => {
    expect(await readBodyHead(Readable.from([Buffer.from('{"error":{}}')]), 100)).toEqual({
      text: '{"error":{}}',
      truncated: false,
    });
    expect(await readBodyHead(lazyBody(100, 100).stream, 1000)).toEqual({
      text: '',
      truncated: true,
    });
  });
});

describe('answerHeadFault', () => {
  it.each<[number, Record<string, string>, string | null]>([
    [200, { 'content-type': 'application/json' }, null],
    [201, {}, null],
    [200, { 'content-encoding': 'identity' }, null],
    [204, {}, 'unexpected_status'],
    [205, {}, 'unexpected_status'],
    [301, { location: 'http://127.0.0.1:1/' }, 'unexpected_status'],
    [302, {}, 'unexpected_status'],
    [304, {}, 'unexpected_status'],
    [101, {}, 'unexpected_status'],
    [200, { 'content-encoding': 'gzip' }, 'unrequested_encoding'],
    [200, { 'content-encoding': 'br' }, 'unrequested_encoding'],
  ])('status %i with %j: %s', (status, headers, fault) => {
    expect(answerHeadFault(status, headers)).toBe(fault);
  });
});

describe('parseUpstreamJson', () => {
  const limits = jsonLimitsFor(1024 * 1024);
  const parse = (body: string | Buffer, headers: Record<string, string> = {}) =>
    parseUpstreamJson(Buffer.isBuffer(body) ? body : Buffer.from(body), headers, limits);
  const faultOf = (run: () => unknown) => {
    try {
      run();
    } catch (err) {
      return err instanceof InvalidUpstreamAnswer ? err.fault : String(err);
    }
    return null;
  };

  it('should parse a JSON answer, with or without a JSON content-type', () => {
    expect(parse('{"a":1}', { 'content-type': 'application/json; charset=utf-8' }).value).toEqual({
      a: 1,
    });
    expect(parse('{"a":1}').value).toEqual({ a: 1 });
    expect(parse('{"a":1}', { 'content-type': 'application/problem+json' }).text).toBe('{"a":1}');
  });

  it.each<[string, string | Buffer, Record<string, string>, string]>([
    ['an HTML page', '<html>hi</html>', { 'content-type': 'text/html' }, 'not_json'],
    ['JSON labelled as HTML', '{"a":1}', { 'content-type': 'text/html' }, 'not_json'],
    ['gzip bytes labelled JSON', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), {}, 'invalid_utf8'],
    ['text that does not parse', '{"a":', {}, 'not_json'],
    ['JSON that is not an object', '[1,2]', {}, 'not_json'],
    ['an empty body', '', {}, 'not_json'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), {}, 'invalid_utf8'],
    ['a deep nesting bomb', '['.repeat(200) + ']'.repeat(200), {}, 'too_deep'],
    [
      'an array of a million objects',
      `[${Array(300_000).fill('{}').join(',')}]`,
      {},
      'too_many_values',
    ],
  ])('should refuse %s', (_, body, headers, fault) => {
    expect(faultOf(() => parse(body, headers))).toBe(fault);
  });

  it('should not quote the answer in its error', () => {
    try {
      parse('{"echo":"Bearer sk-secret-key" oops');
    } catch (err) {
      expect((err as Error).message).not.toContain('sk-secret');
    }
    expect.assertions(1);
  });
});
