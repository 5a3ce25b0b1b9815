import type { ServerResponse } from 'node:http';
import { RawReply } from './raw-reply';

/** The part of a ServerResponse RawReply touches. */
function fakeResponse() {
  const headers: Record<string, string | number> = {};
  const res = {
    statusCode: 200,
    writableEnded: false,
    body: undefined as string | Buffer | undefined,
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = value;
      return res;
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
    hasHeader: (name: string) => name.toLowerCase() in headers,
    getHeaders: () => ({ ...headers }),
    end: (body?: string | Buffer) => {
      res.body = body;
      res.writableEnded = true;
    },
  };
  return { res, headers, raw: res as unknown as ServerResponse };
}

describe('RawReply', () => {
  it('should send an object as JSON with its length, status and headers', () => {
    const { res, raw, headers } = fakeResponse();
    const reply = new RawReply(raw).code(201).header('x-a', '1').send({ ok: 'é' });
    expect(res.statusCode).toBe(201);
    expect(res.body).toBe('{"ok":"é"}');
    expect(headers).toEqual({
      'x-a': '1',
      'content-type': 'application/json; charset=utf-8',
      'content-length': 11,
    });
    expect(reply.sent).toBe(true);
  });

  it('should add a charset to a JSON type set without one, as Fastify does, and keep other types', () => {
    const withJson = fakeResponse();
    new RawReply(withJson.raw).header('content-type', 'application/json').send('{}');
    expect(withJson.headers['content-type']).toBe('application/json; charset=utf-8');

    const withSse = fakeResponse();
    new RawReply(withSse.raw).header('content-type', 'text/event-stream').send('data: x\n\n');
    expect(withSse.headers['content-type']).toBe('text/event-stream');

    const plain = fakeResponse();
    new RawReply(plain.raw).send('hello');
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('should count as sent once hijacked, and resolve an await at once when sent', async () => {
    const { raw } = fakeResponse();
    const reply = new RawReply(raw);
    expect(reply.sent).toBe(false);
    reply.hijack();
    expect(reply.sent).toBe(true);
    await expect(Promise.resolve(reply).then(() => 'awaited')).resolves.toBe('awaited');
  });
});
