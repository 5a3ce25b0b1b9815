// The hostile answers as a plain HTTP client sees them: big ones made lazily (the fake stops when the reader
// does), broken ones really broken, key echoes quoting what the request carried.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { FakeAnthropic } from '../fake-anthropic/fake-anthropic.server';
import { FakeOpenAI } from '../fake-openai/fake-openai.server';

function post(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; error?: Error }> {
  return new Promise((resolve) => {
    const req = request(`${url}/v1/chat/completions?key=query-key`, { method: 'POST', headers });
    req.on('error', (error) => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), error }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', (error) =>
        resolve({ status: res.statusCode!, headers: {}, body: Buffer.concat(chunks), error }),
      );
    });
    req.end('{"model":"m","messages":[]}');
  });
}

describe('hostile fake upstream', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;

  beforeAll(async () => {
    openai = await FakeOpenAI.start();
    anthropic = await FakeAnthropic.start();
  });
  afterAll(async () => {
    await openai.close();
    await anthropic.close();
  });
  afterEach(() => openai.reset());

  it('should make a 300 MB answer only as fast as it is read', async () => {
    openai.enqueueFault({ kind: 'hostile', behaviour: { kind: 'huge-json', bytes: 300e6 } });
    const head = await new Promise<string>((resolve) => {
      const req = request(`${openai.url}/v1/chat/completions`, { method: 'POST' });
      req.on('response', (res) => {
        res.once('data', (chunk: Buffer) => {
          res.destroy();
          resolve(chunk.toString('utf8', 0, 30));
        });
      });
      req.end('{}');
    });
    expect(head).toBe('{"id":"chatcmpl-hostile","obje');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // What the socket buffers on the way took, not the 300 MB.
    expect(openai.hostileBytesSent).toBeLessThan(20e6);
  });

  it('should send a JSON bomb of about the size asked', async () => {
    openai.enqueueFault({
      kind: 'hostile',
      behaviour: { kind: 'json-bomb', shape: 'deep', bytes: 1e6 },
    });
    const deep = await post(openai.url);
    expect(deep.body.length).toBeGreaterThan(1e6);
    expect(deep.body.toString('latin1', 0, 12)).toBe('{"a":[[[[[[[');
    openai.enqueueFault({
      kind: 'hostile',
      behaviour: { kind: 'json-bomb', shape: 'wide', bytes: 1e6 },
    });
    const wide = await post(openai.url);
    const parsed = JSON.parse(wide.body.toString('utf8')) as { a: unknown[] };
    expect(parsed.a.length).toBeGreaterThan(300_000);
  });

  it('should echo every credential the request carried in its own error envelope', async () => {
    anthropic.enqueueFault({ kind: 'hostile', behaviour: { kind: 'key-echo', status: 400 } });
    const res = await post(anthropic.url, {
      'x-api-key': 'sk-ant-secret',
      authorization: 'Bearer sk-b',
    });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body.toString('utf8')) as {
      type: string;
      error: { message: string };
    };
    expect(body.type).toBe('error');
    expect(body.error.message).toContain('sk-ant-secret');
    expect(body.error.message).toContain('Bearer sk-b');
    expect(body.error.message).toContain('query-key');
  });

  it('should compress, break the head and answer 1xx as asked', async () => {
    openai.enqueueFault({ kind: 'hostile', behaviour: { kind: 'gzip', labelled: false } });
    const zipped = await post(openai.url);
    expect(zipped.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toMatchObject({
      id: 'chatcmpl-gzip',
    });
    for (const variant of ['bare-cr', 'oversized'] as const) {
      openai.enqueueFault({ kind: 'hostile', behaviour: { kind: 'bad-header', variant } });
      expect((await post(openai.url)).error).toBeDefined();
    }
    openai.enqueueFault({ kind: 'hostile', behaviour: { kind: 'status-only', status: 302 } });
    expect((await post(openai.url)).status).toBe(302);
    openai.enqueueFault({ kind: 'hostile', behaviour: { kind: 'informational', status: 101 } });
    const upgraded = await post(openai.url);
    expect(upgraded.status).not.toBe(200);
  });
});
