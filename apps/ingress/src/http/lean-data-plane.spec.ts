import type { ServerResponse } from 'node:http';
import { LeanReply, leanRouteOf } from './lean-data-plane';

const LIMIT = 1000;
const json = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'content-length': '42',
  ...extra,
});

describe('leanRouteOf', () => {
  it.each([
    ['/v1/chat/completions', 'chat'],
    ['/v1/responses', 'responses'],
    ['/v1/messages', 'messages'],
    ['/v1/messages?beta=true', 'messages'],
    ['/v1beta/models/gemini-2.5-flash:generateContent', 'gemini'],
    ['/v1beta/models/gpt-public:streamGenerateContent?alt=sse', 'gemini'],
    ['/v1/models/gemini-2.5-flash:generateContent', 'gemini'],
  ])('should take POST %s as %s', (url, kind) => {
    expect(leanRouteOf('POST', url, json(), LIMIT)?.kind).toBe(kind);
  });

  it('should name the Gemini target and the route template as Fastify would', () => {
    expect(leanRouteOf('POST', '/v1beta/models/m-1:generateContent?key=k', json(), LIMIT)).toEqual({
      kind: 'gemini',
      template: '/v1beta/models/:target',
      target: 'm-1:generateContent',
    });
  });

  it.each([
    ['another method', 'GET', '/v1/chat/completions', json()],
    ['another path', 'POST', '/v1/embeddings', json()],
    ['count_tokens', 'POST', '/v1/messages/count_tokens', json()],
    ['a trailing slash', 'POST', '/v1/chat/completions/', json()],
    ['Gemini embeddings', 'POST', '/v1beta/models/e:embedContent', json()],
    ['a percent-escaped Gemini target', 'POST', '/v1beta/models/m%3AgenerateContent', json()],
    ['a Gemini path with more segments', 'POST', '/v1beta/models/a/b:generateContent', json()],
    ['no content type', 'POST', '/v1/chat/completions', { 'content-length': '42' }],
    ['text/plain', 'POST', '/v1/chat/completions', json({ 'content-type': 'text/plain' })],
    [
      'another charset',
      'POST',
      '/v1/chat/completions',
      json({ 'content-type': 'application/json; charset=latin1' }),
    ],
    ['a compressed body', 'POST', '/v1/chat/completions', json({ 'content-encoding': 'gzip' })],
    [
      'a chunked body',
      'POST',
      '/v1/chat/completions',
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    ],
    ['an empty body', 'POST', '/v1/chat/completions', json({ 'content-length': '0' })],
    ['a body over the limit', 'POST', '/v1/chat/completions', json({ 'content-length': '1001' })],
    ['a malformed length', 'POST', '/v1/chat/completions', json({ 'content-length': '4e2' })],
  ])('should leave %s to Fastify', (_, method, url, headers) => {
    expect(leanRouteOf(method, url, headers, LIMIT)).toBeNull();
  });

  it('should take the charset and identity encoding spellings Fastify parses as JSON', () => {
    for (const headers of [
      json({ 'content-type': 'application/json; charset=utf-8' }),
      json({ 'content-type': 'APPLICATION/JSON;charset=UTF-8' }),
      json({ 'content-encoding': 'identity' }),
      json({ 'content-length': String(LIMIT) }),
    ]) {
      expect(leanRouteOf('POST', '/v1/chat/completions', headers, LIMIT)?.kind).toBe('chat');
    }
  });
});

/** The part of a ServerResponse LeanReply touches. */
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

describe('LeanReply', () => {
  it('should send an object as JSON with its length, status and headers', () => {
    const { res, raw, headers } = fakeResponse();
    const reply = new LeanReply(raw).code(201).header('x-a', '1').send({ ok: 'é' });
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
    new LeanReply(withJson.raw).header('content-type', 'application/json').send('{}');
    expect(withJson.headers['content-type']).toBe('application/json; charset=utf-8');

    const withSse = fakeResponse();
    new LeanReply(withSse.raw).header('content-type', 'text/event-stream').send('data: x\n\n');
    expect(withSse.headers['content-type']).toBe('text/event-stream');

    const plain = fakeResponse();
    new LeanReply(plain.raw).send('hello');
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('should count as sent once hijacked, and resolve an await at once when sent', async () => {
    const { raw } = fakeResponse();
    const reply = new LeanReply(raw);
    expect(reply.sent).toBe(false);
    reply.hijack();
    expect(reply.sent).toBe(true);
    await expect(Promise.resolve(reply).then(() => 'awaited')).resolves.toBe('awaited');
  });
});
