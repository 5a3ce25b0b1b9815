// The data-plane routes of CONTRACT §1 as the e2e tests send them (path, method, envelope, a body that is
// served, the client headers of its format), and a raw node:http sender whose framing is the test's choice: a
// Content-Length body (what the lean listener takes) or a chunked one (what it leaves to Fastify). Shared by
// data-plane-routes.e2e-spec.ts and lean-parity.e2e-spec.ts.
import { Deployment, EnvelopeFormat, waitFor } from '@relaymesh/testing';
import { Agent, IncomingHttpHeaders, request } from 'node:http';

export const MODEL = 'gpt-public';
export const ANTHROPIC_VERSION = { 'anthropic-version': '2023-06-01' };
const GEMINI_BODY = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
const EMBED_BODY = { content: { parts: [{ text: 'hi' }] } };

export type Listener = 'lean' | 'fastify';

export interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** The envelope its errors come in, and so the header its clients send the key in. */
  format: EnvelopeFormat;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

const geminiRoutes = (prefix: '/v1beta' | '/v1'): Route[] => [
  {
    name: `${prefix} :generateContent`,
    method: 'POST',
    path: `${prefix}/models/${MODEL}:generateContent`,
    format: 'gemini',
    body: GEMINI_BODY,
  },
  {
    name: `${prefix} :streamGenerateContent`,
    method: 'POST',
    path: `${prefix}/models/${MODEL}:streamGenerateContent?alt=sse`,
    format: 'gemini',
    body: GEMINI_BODY,
  },
  {
    name: `${prefix} :countTokens`,
    method: 'POST',
    path: `${prefix}/models/${MODEL}:countTokens`,
    format: 'gemini',
    body: { contents: GEMINI_BODY.contents },
  },
  {
    name: `${prefix} :embedContent`,
    method: 'POST',
    path: `${prefix}/models/${MODEL}:embedContent`,
    format: 'gemini',
    body: EMBED_BODY,
  },
  {
    name: `${prefix} :batchEmbedContents`,
    method: 'POST',
    path: `${prefix}/models/${MODEL}:batchEmbedContents`,
    format: 'gemini',
    body: { requests: [{ model: `models/${MODEL}`, ...EMBED_BODY }] },
  },
];

/** Whether the lean listener serves a route: every POST route (Fastify too, the bodies lean leaves to it). */
export const servedByLean = (route: Route): boolean => route.method === 'POST';

export const ROUTES: Route[] = [
  {
    name: 'chat completions',
    method: 'POST',
    path: '/v1/chat/completions',
    format: 'openai',
    body: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 },
  },
  {
    name: 'responses',
    method: 'POST',
    path: '/v1/responses',
    format: 'openai',
    body: { model: MODEL, input: 'hi', max_output_tokens: 16 },
  },
  {
    name: 'messages',
    method: 'POST',
    path: '/v1/messages',
    format: 'anthropic',
    body: { model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
    headers: ANTHROPIC_VERSION,
  },
  {
    name: 'messages ?beta=true',
    method: 'POST',
    path: '/v1/messages?beta=true',
    format: 'anthropic',
    body: { model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
    headers: ANTHROPIC_VERSION,
  },
  {
    name: 'count_tokens',
    method: 'POST',
    path: '/v1/messages/count_tokens',
    format: 'anthropic',
    body: { model: MODEL, messages: [{ role: 'user', content: 'hi' }] },
    headers: ANTHROPIC_VERSION,
  },
  ...geminiRoutes('/v1beta'),
  ...geminiRoutes('/v1'),
  {
    name: 'embeddings',
    method: 'POST',
    path: '/v1/embeddings',
    format: 'openai',
    body: { model: MODEL, input: 'hi' },
  },
  { name: 'OpenAI model list', method: 'GET', path: '/v1/models', format: 'openai' },
  {
    name: 'Anthropic model list',
    method: 'GET',
    path: '/v1/models',
    format: 'anthropic',
    headers: ANTHROPIC_VERSION,
  },
  {
    name: 'Gemini model list',
    method: 'GET',
    path: '/v1beta/models',
    format: 'gemini',
  },
  { name: 'key record (Bearer)', method: 'GET', path: '/v1/key', format: 'openai' },
  {
    name: 'key record (x-goog-api-key)',
    method: 'GET',
    path: '/v1/key',
    format: 'gemini',
  },
];

export function credentials(format: EnvelopeFormat, key: string): Record<string, string> {
  switch (format) {
    case 'openai':
      return { authorization: `Bearer ${key}` };
    case 'anthropic':
      return { 'x-api-key': key };
    case 'gemini':
      return { 'x-goog-api-key': key };
  }
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** One request: a POST body with a Content-Length (the lean listener's kind) or chunked (Fastify's). */
export function send(
  relay: Deployment,
  listener: Listener,
  route: { method: string; path: string; headers?: Record<string, string> },
  headers: Record<string, string>,
  body: string | null,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const all: Record<string, string> = { ...route.headers, ...headers };
    if (body !== null) {
      all['content-type'] = 'application/json';
      if (listener === 'lean') all['content-length'] = String(Buffer.byteLength(body));
    }
    const req = request(`${relay.url}${route.path}`, { method: route.method, headers: all, agent });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    if (body === null) {
      req.end();
    } else if (listener === 'lean') {
      req.end(body);
    } else {
      // Written in two pieces with no Content-Length: node sends it chunked.
      req.write(body.slice(0, 1));
      req.end(body.slice(1));
    }
  });
}

/**
 * One openai channel serving MODEL from `upstreamUrl`, and a key per entry of `keyFields` (admin key fields);
 * resolves with the keys by name once the model is routable (by the key named `good`).
 */
export async function prepareRoutes(
  relay: Deployment,
  upstreamUrl: string,
  keyFields: Record<string, Record<string, unknown>>,
): Promise<Record<string, string>> {
  const channel = await relay.admin('POST', '/channels', {
    name: 'oai',
    type: 'openai',
    base_url: upstreamUrl,
    keys: ['sk-up'],
    model_mapping: { [MODEL]: 'gpt-upstream' },
  });
  if (channel.status !== 201) throw new Error(`channel not created: ${channel.status}`);
  const keys: Record<string, string> = {};
  for (const [name, fields] of Object.entries(keyFields)) {
    const created = await relay.admin<{ key: string }>('POST', '/keys', { name, ...fields });
    if (created.status !== 201) throw new Error(`key ${name} not created: ${created.status}`);
    keys[name] = created.body.key;
  }
  await waitFor(
    async () => {
      const res = await fetch(`${relay.url}/v1/models`, {
        headers: { authorization: `Bearer ${keys['good']}` },
      });
      return ((await res.json()) as { data?: unknown[] }).data?.length === 1;
    },
    { what: 'the model routable' },
  );
  return keys;
}
