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
import { connect } from 'node:net';
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
  {
    method: 'POST',
    path: '/v1beta/models/claude-public:countTokens',
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

/**
 * An embedded relaymesh with `env`, an OpenAI and an Anthropic channel (`gpt-public`, `claude-public`) on the
 * fakes, and a key named `keyName`, once both models are routable.
 */
async function startFuzzRelay(
  env: Record<string, string>,
  openai: FakeOpenAI,
  anthropic: FakeAnthropic,
  keyName: string,
): Promise<{ relay: Deployment; key: string }> {
  const relay = await startDeployment('embedded', { env });
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
  const key = (await relay.admin<{ key: string }>('POST', '/keys', { name: keyName })).body.key;
  await waitFor(
    async () => {
      const res = await fetch(`${relay.url}/v1/models`, {
        headers: { authorization: `Bearer ${key}` },
      });
      return ((await res.json()) as { data?: unknown[] }).data?.length === 2;
    },
    { what: 'both models routable' },
  );
  return { relay, key };
}

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
    ({ relay, key } = await startFuzzRelay(
      { RELAYMESH_MAX_BODY_BYTES: String(MAX_BODY_BYTES), LOG_LEVEL: 'error' },
      openai,
      anthropic,
      'fuzz',
    ));
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
              : (['openai', 'anthropic', 'gemini'] as const).some((f) =>
                  isErrorEnvelope(f, parsed),
                );
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

// ---- hostile strings in the fields that reach storage, logs, metrics or headers (issue 15) ----

/** Strings that broke or could break what stores, logs or forwards them. */
const HOSTILE: [string, string][] = [
  ['NUL', 'a\u0000b'],
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', '\udfff'],
  ['CRLF with a header after it', 'a\r\nX-Injected: 1'],
  ['1 MB', 'x'.repeat(1 << 20)],
];

/** The WTF-8 bytes a lone surrogate is sent as (not valid UTF-8: what a careless client encoder emits). */
function wtf8(code: number): number[] {
  return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
}
const isSurrogate = (code: number) => code >= 0xd800 && code <= 0xdfff;

/** A string as a hostile client puts it in a URL path: percent-encoded bytes, lone surrogates as WTF-8. */
function pathBytes(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (isSurrogate(code)) {
      out += wtf8(code)
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += /[A-Za-z0-9._-]/.test(char) ? char : encodeURIComponent(char);
  }
  return out;
}

/** A string as a header value on the wire (latin1): NUL and CRLF as they are, lone surrogates as WTF-8. */
function headerBytes(value: string): string {
  return value.replace(/[\ud800-\udfff]/g, (s) => String.fromCharCode(...wtf8(s.charCodeAt(0))));
}

interface HostileField {
  name: string;
  /** Envelopes a refusal may come in: the route's, and OpenAI's for what node's HTTP parser refuses. */
  formats: Format[];
  request: (
    value: string,
    key: string,
  ) => { method: string; path: string; headers: Record<string, string>; body: string | null };
}

const CHAT = { model: 'gpt-public', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 };
const MESSAGES = {
  model: 'claude-public',
  max_tokens: 8,
  messages: [{ role: 'user', content: 'hi' }],
};
const GEMINI = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

const bodyField = (
  name: string,
  format: Format,
  path: string,
  build: (value: string) => Record<string, unknown>,
): HostileField => ({
  name,
  formats: [format],
  request: (value, key) => ({
    method: 'POST',
    path,
    headers: {
      'content-type': 'application/json',
      ...(format === 'anthropic'
        ? { 'x-api-key': key, 'anthropic-version': '2023-06-01' }
        : format === 'gemini'
          ? { 'x-goog-api-key': key }
          : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify(build(value)),
  }),
});

const headerField = (
  header: string,
  format: Format,
  path: string,
  body: unknown,
): HostileField => ({
  name: `header ${header} on ${path}`,
  formats: [format, 'openai'],
  request: (value, key) => ({
    method: 'POST',
    path,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
      'anthropic-version': '2023-06-01',
      [header]: headerBytes(value),
    },
    body: JSON.stringify(body),
  }),
});

const HOSTILE_FIELDS: HostileField[] = [
  bodyField('chat model', 'openai', '/v1/chat/completions', (v) => ({ ...CHAT, model: v })),
  bodyField('chat user', 'openai', '/v1/chat/completions', (v) => ({ ...CHAT, user: v })),
  bodyField('chat metadata', 'openai', '/v1/chat/completions', (v) => ({
    ...CHAT,
    store: true,
    metadata: { [v.slice(0, 64)]: v },
  })),
  bodyField('chat message name', 'openai', '/v1/chat/completions', (v) => ({
    ...CHAT,
    messages: [{ role: 'user', content: v, name: v }],
  })),
  bodyField('chat tool name', 'openai', '/v1/chat/completions', (v) => ({
    ...CHAT,
    tools: [{ type: 'function', function: { name: v, parameters: { type: 'object' } } }],
    tool_choice: { type: 'function', function: { name: v } },
  })),
  bodyField('chat fallback models', 'openai', '/v1/chat/completions', (v) => ({
    ...CHAT,
    models: [v, 'gpt-public'],
  })),
  bodyField('chat provider order', 'openai', '/v1/chat/completions', (v) => ({
    ...CHAT,
    provider: { order: [v] },
  })),
  bodyField('chat model, translated to Anthropic', 'openai', '/v1/chat/completions', (v) => ({
    ...CHAT,
    model: 'claude-public',
    user: v,
    stop: [v],
  })),
  bodyField('responses model', 'openai', '/v1/responses', (v) => ({
    model: v,
    input: 'hi',
    max_output_tokens: 16,
  })),
  bodyField('responses instructions and metadata', 'openai', '/v1/responses', (v) => ({
    model: 'claude-public',
    input: v,
    instructions: v,
    metadata: { k: v.slice(0, 512) },
    max_output_tokens: 16,
  })),
  bodyField('messages model', 'anthropic', '/v1/messages', (v) => ({ ...MESSAGES, model: v })),
  bodyField('messages metadata.user_id', 'anthropic', '/v1/messages', (v) => ({
    ...MESSAGES,
    metadata: { user_id: v },
  })),
  bodyField('messages system and stop_sequences', 'anthropic', '/v1/messages', (v) => ({
    ...MESSAGES,
    system: v,
    stop_sequences: [v],
  })),
  bodyField('messages tool name', 'anthropic', '/v1/messages', (v) => ({
    ...MESSAGES,
    model: 'gpt-public',
    tools: [{ name: v, input_schema: { type: 'object' } }],
    tool_choice: { type: 'tool', name: v },
  })),
  bodyField('count_tokens model', 'anthropic', '/v1/messages/count_tokens', (v) => ({
    model: v,
    messages: [{ role: 'user', content: 'hi' }],
  })),
  bodyField('embeddings model and input', 'openai', '/v1/embeddings', (v) => ({
    model: v,
    input: v,
    user: v,
  })),
  bodyField(
    'gemini contents and tool name',
    'gemini',
    '/v1beta/models/gpt-public:generateContent',
    (v) => ({
      ...GEMINI,
      systemInstruction: { parts: [{ text: v }] },
      tools: [{ functionDeclarations: [{ name: v, parameters: { type: 'OBJECT' } }] }],
      generationConfig: { stopSequences: [v] },
    }),
  ),
  {
    name: 'gemini path model',
    formats: ['gemini', 'openai'],
    request: (value, key) => ({
      method: 'POST',
      path: `/v1beta/models/${pathBytes(value)}:generateContent`,
      headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
      body: JSON.stringify(GEMINI),
    }),
  },
  bodyField(
    'gemini countTokens request',
    'gemini',
    '/v1beta/models/claude-public:countTokens',
    (v) => ({
      generateContentRequest: {
        ...GEMINI,
        model: v,
        systemInstruction: { parts: [{ text: v }] },
        tools: [{ functionDeclarations: [{ name: v, parameters: { type: 'OBJECT' } }] }],
      },
    }),
  ),
  {
    name: 'gemini countTokens path model',
    formats: ['gemini', 'openai'],
    request: (value, key) => ({
      method: 'POST',
      path: `/v1/models/${pathBytes(value)}:countTokens`,
      headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
      body: JSON.stringify(GEMINI),
    }),
  },
  {
    name: 'gemini embedContent path model',
    formats: ['gemini', 'openai'],
    request: (value, key) => ({
      method: 'POST',
      path: `/v1/models/${pathBytes(value)}:embedContent`,
      headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
      body: JSON.stringify({ content: { parts: [{ text: 'hi' }] } }),
    }),
  },
  {
    name: 'gemini ?key=',
    formats: ['gemini', 'openai'],
    request: (value) => ({
      method: 'POST',
      path: `/v1beta/models/gpt-public:generateContent?key=${pathBytes(value)}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(GEMINI),
    }),
  },
  headerField('x-request-id', 'openai', '/v1/chat/completions', CHAT),
  headerField('http-referer', 'openai', '/v1/chat/completions', CHAT),
  headerField('x-title', 'openai', '/v1/chat/completions', CHAT),
  headerField('user-agent', 'openai', '/v1/chat/completions', CHAT),
  headerField('anthropic-version', 'anthropic', '/v1/messages', MESSAGES),
  headerField('anthropic-beta', 'anthropic', '/v1/messages', MESSAGES),
  headerField('anthropic-beta', 'anthropic', '/v1/messages/count_tokens', {
    model: 'claude-public',
    messages: [{ role: 'user', content: 'hi' }],
  }),
  {
    name: 'header authorization (the key itself)',
    formats: ['openai'],
    request: (value) => ({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${headerBytes(value)}`,
      },
      body: JSON.stringify(CHAT),
    }),
  },
];

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 request written byte for byte (a client library would refuse NUL or CR in a header), on its
 * own connection, read until the server closes it.
 */
function rawRequest(
  url: string,
  request: { method: string; path: string; headers: Record<string, string>; body: string | null },
): Promise<RawAnswer> {
  const { port } = new URL(url);
  const body = request.body === null ? Buffer.alloc(0) : Buffer.from(request.body, 'utf8');
  const head = [
    `${request.method} ${request.path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    `Content-Length: ${body.length}`,
    ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while our bytes are unread (a refused head): a reset after its answer is fine.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer in 30 s')));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const lines = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        lines
          .slice(1)
          .map((l) => [
            l.slice(0, l.indexOf(':')).toLowerCase(),
            l.slice(l.indexOf(':') + 1).trim(),
          ]),
      );
      let payload = text.slice(split + 4);
      if (headers['transfer-encoding'] === 'chunked') payload = dechunk(payload);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0),
        headers,
        body: payload,
      });
    });
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

describe('fuzz: hostile strings in every field that reaches storage, logs, metrics or headers (embedded)', () => {
  let relay: Deployment;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let key: string;
  let normal = 0;

  /** A normal request, then its usage record from the ledger: metering still flows. */
  async function nextRequestIsMetered(): Promise<void> {
    normal += 1;
    const requestId = `fuzz-normal-${normal}`;
    const res = await fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'x-request-id': requestId,
      },
      body: JSON.stringify(CHAT),
    });
    expect(res.status).toBe(200);
    await waitFor(
      async () => {
        const usage = await relay.admin<{ data: { request_id: string }[] }>(
          'GET',
          `/usage?request_id=${requestId}`,
        );
        return usage.status === 200 && usage.body.data.length === 1;
      },
      { what: `the usage of ${requestId} recorded by the ledger`, timeoutMs: 10_000 },
    );
  }

  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([FakeOpenAI.start(), FakeAnthropic.start()]);
    // The default body limit (10 MB) so 1 MB strings reach the handlers; the access log on so they pass it.
    ({ relay, key } = await startFuzzRelay(
      { LOG_LEVEL: 'warn', RELAYMESH_ACCESS_LOG: 'true' },
      openai,
      anthropic,
      'hostile',
    ));
    await nextRequestIsMetered();
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([openai?.close(), anthropic?.close()]);
  });

  it.each(HOSTILE_FIELDS.map((field): [string, HostileField] => [field.name, field]))(
    '%s: each hostile string gets a clean 2xx/4xx, and the next normal request is still metered',
    async (_, field) => {
      for (const [what, value] of HOSTILE) {
        const answer = await rawRequest(relay.url, field.request(value, key));
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(answer.body);
        } catch {
          // Not JSON: the envelope check fails with the body in view.
        }
        const context = `${field.name} ← ${what}: ${answer.status} ${answer.body.slice(0, 300)}`;
        expect({
          context,
          clean: answer.status >= 200 && answer.status < 500,
          requestId: typeof answer.headers['x-request-id'],
          envelope: answer.status < 400 || field.formats.some((f) => isErrorEnvelope(f, parsed)),
        }).toEqual({ context, clean: true, requestId: 'string', envelope: true });
      }
      await nextRequestIsMetered();
    },
  );

  it('should keep every log line whole: no client CRLF starts a line of its own', () => {
    expect(relay.output()).not.toMatch(/^X-Injected/m);
  });
});
