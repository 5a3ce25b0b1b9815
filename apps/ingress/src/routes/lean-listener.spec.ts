import { leanRouteOf } from './lean-listener';
import { RouteTable } from './route-table';

const table = new RouteTable();

const LIMIT = 1000;
const json = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'content-length': '42',
  ...extra,
});

describe('leanRouteOf', () => {
  it.each([
    ['/v1/chat/completions', 'chat_completions'],
    ['/v1/responses', 'responses'],
    ['/v1/messages', 'messages'],
    ['/v1/messages?beta=true', 'messages'],
    ['/v1/messages/count_tokens', 'count_tokens'],
    ['/v1beta/models/gemini-2.5-flash:countTokens', 'count_tokens'],
    ['/v1/models/gemini-2.5-flash:countTokens', 'count_tokens'],
    ['/v1/embeddings', 'embeddings'],
    ['/v1beta/models/gemini-2.5-flash:generateContent', 'generate_content'],
    ['/v1beta/models/gpt-public:streamGenerateContent?alt=sse', 'generate_content'],
    ['/v1/models/gemini-2.5-flash:generateContent', 'generate_content'],
    ['/v1beta/models/e:embedContent', 'embed_content'],
  ])('should take POST %s as %s', (url, label) => {
    expect(leanRouteOf(table, 'POST', url, json(), LIMIT)?.route.label).toBe(label);
  });

  it('should name the model in a Gemini path, query aside', () => {
    expect(
      leanRouteOf(table, 'POST', '/v1beta/models/m-1:generateContent?key=k', json(), LIMIT)
        ?.pathModel,
    ).toBe('m-1');
  });

  it.each([
    ['another method', 'GET', '/v1/chat/completions', json()],
    ['another path', 'POST', '/v1/completions', json()],
    ['a GET route', 'GET', '/v1/models', json()],
    ['a trailing slash', 'POST', '/v1/chat/completions/', json()],
    ['an unknown Gemini method', 'POST', '/v1beta/models/e:countTextTokens', json()],
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
    expect(leanRouteOf(table, method, url, headers, LIMIT)).toBeNull();
  });

  it('should take the charset and identity encoding spellings Fastify parses as JSON', () => {
    for (const headers of [
      json({ 'content-type': 'application/json; charset=utf-8' }),
      json({ 'content-type': 'APPLICATION/JSON;charset=UTF-8' }),
      json({ 'content-encoding': 'identity' }),
      json({ 'content-length': String(LIMIT) }),
    ]) {
      expect(leanRouteOf(table, 'POST', '/v1/chat/completions', headers, LIMIT)?.route.label).toBe(
        'chat_completions',
      );
    }
  });
});
