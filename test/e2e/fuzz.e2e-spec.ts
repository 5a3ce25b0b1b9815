// Bad input, measured (issue 5): fast-check throws thousands of random and mutated requests at every endpoint
// of an embedded relaymesh (truncated JSON, wrong types, missing fields, huge strings, deep nesting, invalid
// UTF-8, random bytes, wrong content types, compression claims, mangled paths, every key header form). Every
// answer must be a 2xx (the input happened to be valid) or a 4xx in the JSON envelope of the endpoint's format
// with an x-request-id, never a 5xx; the process must stay up with its memory bounded.
import {
  Deployment,
  EnvelopeFormat,
  FakeAnthropic,
  FakeOpenAI,
  isErrorEnvelope,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';

const MAX_BODY_BYTES = 256 * 1024;
const RUNS = Number(process.env['RELAYMESH_FUZZ_RUNS'] ?? 6000);

type Format = EnvelopeFormat;

interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  format: Format;
  /** A valid body, the seed of the mutations. */
  body: Record<string, unknown> | null;
  headers?: Record<string, string>;
}

const ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    path: '/v1/chat/completions',
    format: 'openai',
    body: { model: 'gpt-public', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 },
  },
  {
    method: 'POST',
    path: '/v1/responses',
    format: 'openai',
    body: { model: 'claude-public', input: 'hi', max_output_tokens: 8 },
  },
  {
    method: 'POST',
    path: '/v1/embeddings',
    format: 'openai',
    body: { model: 'gpt-public', input: ['hi', 'there'] },
  },
  {
    method: 'POST',
    path: '/v1/messages',
    format: 'anthropic',
    body: { model: 'gpt-public', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
    headers: { 'anthropic-version': '2023-06-01' },
  },
  {
    method: 'POST',
    path: '/v1beta/models/claude-public:generateContent',
    format: 'gemini',
    body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
  },
  {
    method: 'POST',
    path: '/v1beta/models/gpt-public:streamGenerateContent?alt=sse',
    format: 'gemini',
    body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
  },
  { method: 'GET', path: '/v1/models', format: 'openai', body: null },
  {
    method: 'GET',
    path: '/v1/models',
    format: 'anthropic',
    body: null,
    headers: { 'anthropic-version': '2023-06-01' },
  },
  { method: 'GET', path: '/v1beta/models', format: 'gemini', body: null },
];

// ---- input generators ----

/** A JSON value with a bias towards the shapes adapters look at (strings, arrays of objects, nulls). */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, '', 0, -1, 1e308, true, [], {}, [{}], 'user', { role: 'user' }),
);

/** Replaces, removes or adds a field (top level or one level down) of a valid body. */
const mutatedObject = (seed: Record<string, unknown>) =>
  fc
    .record({
      field: fc.oneof(
        fc.constantFrom(...Object.keys(seed)),
        fc.constantFrom(
          'stream',
          'tools',
          'system',
          'temperature',
          'n',
          'stream_options',
          '__proto__',
        ),
        fc.string({ maxLength: 12 }),
      ),
      action: fc.constantFrom('replace', 'delete', 'nest'),
      value: anyJson,
    })
    .map(({ field, action, value }) => {
      const body: Record<string, unknown> = structuredClone(seed);
      if (action === 'delete') delete body[field];
      else if (action === 'replace') body[field] = value;
      else {
        const target = Object.values(body).find((v) => Array.isArray(v)) as unknown[] | undefined;
        if (target && typeof target[0] === 'object' && target[0] !== null) {
          (target[0] as Record<string, unknown>)[field] = value;
        } else body[field] = value;
      }
      return Buffer.from(JSON.stringify(body));
    });

const deepNesting = fc
  .record({ depth: fc.integer({ min: 100, max: 100_000 }), open: fc.constantFrom('[', '{"a":') })
  .map(({ depth, open }) => {
    const close = open === '[' ? ']' : '}';
    return Buffer.from(`${open.repeat(depth)}1${close.repeat(depth)}`);
  });

const hugeString = (seed: Record<string, unknown>) =>
  fc.integer({ min: 1_000, max: MAX_BODY_BYTES * 2 }).map((size) => {
    const body = structuredClone(seed);
    const key = Object.keys(body).find((k) => k !== 'model') ?? 'model';
    body[key] = 'x'.repeat(size);
    return Buffer.from(JSON.stringify(body));
  });

const invalidUtf8 = (seed: Record<string, unknown>) =>
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((garbage) => {
    const text = JSON.stringify(seed);
    const cut = text.indexOf('hi');
    const at = cut < 0 ? 1 : cut;
    return Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xff, 0xfe, 0xc3, ...garbage]),
      Buffer.from(text.slice(at)),
    ]);
  });

const truncated = (seed: Record<string, unknown>) => {
  const text = JSON.stringify(seed);
  return fc.integer({ min: 0, max: text.length - 1 }).map((n) => Buffer.from(text.slice(0, n)));
};

function bodyFor(endpoint: Endpoint): fc.Arbitrary<Buffer | null> {
  const seed = endpoint.body ?? { model: 'gpt-public' };
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(Buffer.from(JSON.stringify(seed))) },
    { weight: 6, arbitrary: mutatedObject(seed) },
    { weight: 2, arbitrary: truncated(seed) },
    { weight: 2, arbitrary: anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: hugeString(seed) },
    { weight: 2, arbitrary: invalidUtf8(seed) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  '',
  null,
);

const encoding = fc.constantFrom(null, 'gzip', 'gzip-real', 'br', 'deflate', 'identity', 'x-nope');

const pathMutation = fc.oneof(
  { weight: 8, arbitrary: fc.constant((p: string) => p) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('/', '//', '%', '%ff', '%00', '..', '?', '#', ':', ';x', '/../admin', '%2e%2e')
      .map((junk) => (p: string) => `${p}${junk}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 20 })
      .map(
        (junk) => (p: string) => `${p.split('?')[0]}?${encodeURIComponent(junk)}=${junk.length}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('%E0%A4%A', 'a'.repeat(5_000), '%F0%9F%98%80', '\u00e9')
      .map(
        (model) => (p: string) =>
          p.replace(/(gpt|claude)-public/, encodeURI(model).replace(/%25/g, '%')),
      ),
  },
);

const auth = fc.constantFrom(
  'bearer',
  'x-api-key',
  'x-goog-api-key',
  'query',
  'none',
  'unknown',
  'basic',
);

describe('fuzz: every endpoint answers bad input with a 4xx envelope, never a 5xx (embedded)', () => {
  let relay: Deployment;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let key: string;
  const agent = new Agent({ connections: 8, headersTimeout: 30_000, bodyTimeout: 30_000 });

  const rss = async (): Promise<number> => {
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    return Number(/^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1] ?? NaN);
  };

  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([FakeOpenAI.start(), FakeAnthropic.start()]);
    relay = await startDeployment('embedded', {
      env: { RELAYMESH_MAX_BODY_BYTES: String(MAX_BODY_BYTES), LOG_LEVEL: 'error' },
    });
    for (const channel of [
      {
        name: 'oai',
        type: 'openai',
        base_url: openai.url,
        keys: ['sk-up'],
        model_mapping: { 'gpt-public': 'gpt-upstream' },
      },
      {
        name: 'ant',
        type: 'anthropic',
        base_url: anthropic.url,
        keys: ['sk-ant-up'],
        model_mapping: { 'claude-public': 'claude-upstream' },
      },
    ]) {
      expect((await relay.admin('POST', '/channels', channel)).status).toBe(201);
    }
    key = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'fuzz' })).body.key;
    await waitFor(
      async () => {
        const res = await fetch(`${relay.url}/v1/models`, {
          headers: { authorization: `Bearer ${key}` },
        });
        return ((await res.json()) as { data?: unknown[] }).data?.length === 2;
      },
      { what: 'both models routable' },
    );
  }, 90_000);

  afterAll(async () => {
    await agent.close();
    await relay?.stop();
    await Promise.all([openai?.close(), anthropic?.close()]);
  });

  it('should answer thousands of random and mutated requests without a 5xx', async () => {
    const rssBefore = await rss();
    const statuses = new Map<number, number>();
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS).chain((endpoint) =>
          fc.record({
            endpoint: fc.constant(endpoint),
            body: bodyFor(endpoint),
            contentType,
            encoding,
            pathMutation,
            auth,
            stream: fc.boolean(),
          }),
        ),
        async ({
          endpoint,
          body: rawBody,
          contentType: type,
          encoding: enc,
          pathMutation: mutate,
          auth: how,
        }) => {
          tried += 1;
          let path = mutate(endpoint.path);
          const headers: Record<string, string> = { ...endpoint.headers };
          if (how === 'bearer') headers['authorization'] = `Bearer ${key}`;
          if (how === 'x-api-key') headers['x-api-key'] = key;
          if (how === 'x-goog-api-key') headers['x-goog-api-key'] = key;
          if (how === 'unknown') headers['authorization'] = 'Bearer sk-rm-unknown';
          if (how === 'basic') headers['authorization'] = 'Basic dXNlcjpwYXNz';
          if (how === 'query') path += `${path.includes('?') ? '&' : '?'}key=${key}`;
          let body = endpoint.method === 'POST' ? rawBody : null;
          if (body && type !== null) headers['content-type'] = type;
          if (body && enc !== null) {
            headers['content-encoding'] = enc === 'gzip-real' ? 'gzip' : enc;
            if (enc === 'gzip-real') body = gzipSync(body);
          }
          const res = await request(`${relay.url}${path.startsWith('/') ? path : `/${path}`}`, {
            method: endpoint.method,
            headers,
            body: body ?? undefined,
            dispatcher: agent,
          }).catch((err: Error) => err);
          if (res instanceof Error) {
            // undici refuses some mangled paths itself; nothing reached the gateway.
            expect(res.message).toMatch(/invalid|path|URL/i);
            return;
          }
          const text = await res.body.text();
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const context = `${endpoint.method} ${path} → ${res.statusCode} ${text.slice(0, 300)}`;
          expect({ context, serverError: res.statusCode >= 500 }).toEqual({
            context,
            serverError: false,
          });
          expect({ context, requestId: typeof res.headers['x-request-id'] }).toEqual({
            context,
            requestId: 'string',
          });
          const type_ = String(res.headers['content-type'] ?? '');
          if (res.statusCode < 300 && type_.startsWith('text/event-stream')) return;
          expect({ context, type: type_ }).toEqual({
            context,
            type: expect.stringMatching(/json/),
          });
          const parsed: unknown = JSON.parse(text);
          if (res.statusCode >= 400) {
            const known =
              path === endpoint.path || path.startsWith(`${endpoint.path.split('?')[0]}?`);
            const ok = known
              ? isErrorEnvelope(endpoint.format, parsed)
              : (['openai', 'anthropic', 'gemini'] as const).some((f) => isErrorEnvelope(f, parsed));
            expect({ context, envelope: ok }).toEqual({ context, envelope: true });
          }
        },
      ),
      {
        numRuns: RUNS,
        seed: process.env['RELAYMESH_FUZZ_SEED']
          ? Number(process.env['RELAYMESH_FUZZ_SEED'])
          : undefined,
      },
    );
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(200);
    const rssAfter = await rss();
    console.log(
      `fuzz: ${tried} inputs; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; RSS ${Math.round(rssBefore / 2 ** 20)} MiB before, ${Math.round(rssAfter / 2 ** 20)} MiB after`,
    );
    expect(tried).toBeGreaterThanOrEqual(RUNS);
    // Bounded: thousands of requests (some near the body limit) must not leave hundreds of MiB behind.
    expect(rssAfter).toBeLessThan(rssBefore + 200 * 2 ** 20);
  }, 180_000);
});
