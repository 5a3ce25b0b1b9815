// Every refusal of CONTRACT §1, per ingress format, as the caller's own SDK sees it: the SDK's own error type,
// with the status and a message a person can act on. Where no SDK call can produce the request (no key at all,
// broken JSON, an unknown path, `?key=`), raw HTTP checks the status, the envelope of the format and the
// x-request-id. Embedded mode; the cross-replica cases are in limits.e2e-spec.ts.
import Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI as GoogleGenAIType } from '@google/genai' with {
  'resolution-mode': 'import',
};
import {
  Deployment,
  FakeAnthropic,
  FakeOpenAI,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import OpenAI from 'openai';

// @google/genai ships types only for its ES module build; its CommonJS build is what jest loads here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GoogleGenAI, ApiError } = require('@google/genai') as {
  GoogleGenAI: typeof GoogleGenAIType;
  ApiError: new (...args: never[]) => Error & { status: number };
};

const MAX_BODY_BYTES = 65_536;
const MODEL = 'gpt-public';

type Client = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'embeddings';
const CLIENTS: Client[] = ['openai-chat', 'openai-responses', 'anthropic', 'gemini', 'embeddings'];

/** One request per client format through its official SDK (no retries: a 429 must reach the test). */
function call(relay: Deployment, client: Client, key: string, model = MODEL, text = 'hi') {
  switch (client) {
    case 'openai-chat':
      return new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 }).chat.completions
        .create({ model, messages: [{ role: 'user', content: text }], max_tokens: 16 })
        .then(() => undefined);
    case 'openai-responses':
      return new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 }).responses
        .create({ model, input: text, max_output_tokens: 16 })
        .then(() => undefined);
    case 'embeddings':
      return new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 }).embeddings
        .create({ model, input: text })
        .then(() => undefined);
    case 'anthropic':
      return new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 }).messages
        .create({ model, max_tokens: 16, messages: [{ role: 'user', content: text }] })
        .then(() => undefined);
    case 'gemini':
      return new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relay.url } }).models
        .generateContent({ model, contents: text })
        .then(() => undefined);
  }
}

/** The SDK error classes, by status, each client raises. */
const OPENAI_ERRORS: Record<number, unknown> = {
  400: OpenAI.BadRequestError,
  401: OpenAI.AuthenticationError,
  403: OpenAI.PermissionDeniedError,
  404: OpenAI.NotFoundError,
  413: OpenAI.APIError,
  429: OpenAI.RateLimitError,
  503: OpenAI.InternalServerError,
};
const ANTHROPIC_ERRORS: Record<number, unknown> = {
  400: Anthropic.BadRequestError,
  401: Anthropic.AuthenticationError,
  403: Anthropic.PermissionDeniedError,
  404: Anthropic.NotFoundError,
  413: Anthropic.ContentTooLargeError,
  429: Anthropic.RateLimitError,
  503: Anthropic.ServiceUnavailableError,
};

/** Awaits the refusal and checks it is the client SDK's own error type, with the status and message. */
async function expectRefusal(
  client: Client,
  attempt: Promise<unknown>,
  status: number,
  message: string,
): Promise<Error> {
  const err = await attempt.then(
    () => {
      throw new Error(`expected ${client} to be refused with ${status}`);
    },
    (e: unknown) => e as Error,
  );
  if (client === 'anthropic') {
    expect(err).toBeInstanceOf(ANTHROPIC_ERRORS[status] as typeof Anthropic.APIError);
    const apiError = err as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.headers?.get('x-request-id')).toBeTruthy();
    expect(apiError.message).toContain(message);
  } else if (client === 'gemini') {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error & { status: number }).status).toBe(status);
    // @google/genai puts the whole JSON envelope in the message.
    expect(JSON.parse(err.message)).toMatchObject({ error: { code: status } });
    expect((JSON.parse(err.message) as { error: { message: string } }).error.message).toContain(
      message,
    );
  } else {
    expect(err).toBeInstanceOf(OPENAI_ERRORS[status] as typeof OpenAI.APIError);
    const apiError = err as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.requestID).toBeTruthy();
    expect(apiError.message).toContain(message);
    // The whole OpenAI envelope: `code` and `param` are present (null when they do not apply).
    expect(apiError.code).not.toBeUndefined();
    expect(apiError.param).not.toBeUndefined();
  }
  return err;
}

/** The request each client format's endpoint takes, as raw HTTP. */
const RAW: Record<Client, { path: (model: string) => string; body: (model: string) => unknown }> = {
  'openai-chat': {
    path: () => '/v1/chat/completions',
    body: (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] }),
  },
  'openai-responses': { path: () => '/v1/responses', body: (model) => ({ model, input: 'hi' }) },
  embeddings: { path: () => '/v1/embeddings', body: (model) => ({ model, input: 'hi' }) },
  anthropic: {
    path: () => '/v1/messages',
    body: (model) => ({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  },
  gemini: {
    path: (model) => `/v1beta/models/${model}:generateContent`,
    body: () => ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
  },
};

/** Checks a raw answer is the right status in the envelope of the endpoint's format, with a request id. */
async function expectEnvelope(
  res: Response,
  client: Client | 'admin',
  status: number,
  message: string | RegExp,
): Promise<Record<string, unknown>> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._:-]+$/);
  const body = JSON.parse(text) as Record<string, unknown>;
  const matches = (value: unknown) =>
    typeof message === 'string' ? expect(value).toContain(message) : expect(value).toMatch(message);
  switch (client) {
    case 'anthropic':
      expect(body).toMatchObject({ type: 'error', error: { type: expect.any(String) } });
      matches((body['error'] as { message: string }).message);
      break;
    case 'gemini':
      expect(body).toMatchObject({ error: { code: status, status: expect.any(String) } });
      matches((body['error'] as { message: string }).message);
      break;
    case 'admin':
      matches((body['error'] as { message: string }).message);
      break;
    default:
      expect(body).toMatchObject({ error: { type: expect.any(String) } });
      expect(Object.keys(body['error'] as object).sort()).toEqual([
        'code',
        'message',
        'param',
        'type',
      ]);
      matches((body['error'] as { message: string }).message);
  }
  return body;
}

describe('refusals in the caller’s format (embedded)', () => {
  let relay: Deployment;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  const keys: Record<string, string> = {};

  const makeKey = async (name: string, fields: Record<string, unknown> = {}) => {
    const res = await relay.admin<{ key: string }>('POST', '/keys', { name, ...fields });
    expect(res.status).toBe(201);
    keys[name] = res.body.key;
  };

  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([FakeOpenAI.start(), FakeAnthropic.start()]);
    relay = await startDeployment('embedded', {
      env: {
        RELAYMESH_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
        // The test runner is the "proxy": its X-Forwarded-For is believed (see the allow_ips cases).
        RELAYMESH_TRUSTED_PROXIES: '127.0.0.1/32,::1',
      },
    });
    for (const channel of [
      {
        name: 'oai',
        type: 'openai',
        base_url: openai.url,
        keys: ['sk-up'],
        model_mapping: { [MODEL]: 'gpt-upstream' },
      },
      {
        name: 'ant',
        type: 'anthropic',
        base_url: anthropic.url,
        keys: ['sk-ant-up'],
        model_mapping: { 'claude-public': 'claude-upstream' },
      },
      // A model that exists, but only for keys of the `vip` group: the default group gets the 503.
      {
        name: 'vip',
        type: 'openai',
        base_url: openai.url,
        keys: ['sk-up'],
        groups: ['vip'],
        model_mapping: { 'vip-model': 'gpt-upstream' },
      },
    ]) {
      expect((await relay.admin('POST', '/channels', channel)).status).toBe(201);
    }
    await makeKey('good');
    await makeKey('disabled', { enabled: false });
    await makeKey('expired', { expires_at: '2020-01-01T00:00:00Z' });
    await makeKey('narrow', { models: ['some-other-model'] });
    await makeKey('office', { allow_ips: ['203.0.113.0/24', '2001:db8::/32'] });
    await makeKey('local', { allow_ips: ['127.0.0.0/8', '::1'] });
    for (const client of CLIENTS) await makeKey(`rpm-${client}`, { rpm: 1 });
    await waitFor(
      async () => {
        const res = await fetch(`${relay.url}/v1/models`, {
          headers: { authorization: `Bearer ${keys['good']}` },
        });
        const body = (await res.json()) as { data?: { id: string }[] };
        return body.data?.some((m) => m.id === MODEL) === true;
      },
      { what: 'the model routable' },
    );
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([openai?.close(), anthropic?.close()]);
  });

  it.each(CLIENTS)(
    '%s: a valid request is served (the baseline the refusals differ from)',
    async (client) => {
      await expect(call(relay, client, keys['good'])).resolves.toBeUndefined();
    },
  );

  describe('401', () => {
    it.each(CLIENTS)('%s: an unknown key, in the header its SDK sends', async (client) => {
      await expectRefusal(
        client,
        call(relay, client, 'sk-rm-not-a-key-at-all'),
        401,
        'Invalid API key',
      );
    });

    it.each(CLIENTS)('%s: no key at all', async (client) => {
      const res = await fetch(`${relay.url}${RAW[client].path(MODEL)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(RAW[client].body(MODEL)),
      });
      await expectEnvelope(res, client, 401, 'Missing API key');
    });

    it.each<[string, Client, Record<string, string>, string]>([
      ['Bearer on Anthropic', 'anthropic', { authorization: 'Bearer sk-rm-nope' }, ''],
      ['Bearer on Gemini', 'gemini', { authorization: 'Bearer sk-rm-nope' }, ''],
      ['x-goog-api-key on Gemini', 'gemini', { 'x-goog-api-key': 'sk-rm-nope' }, ''],
      ['?key= on Gemini', 'gemini', {}, '?key=sk-rm-nope'],
      ['x-api-key on OpenAI chat', 'openai-chat', { 'x-api-key': 'sk-rm-nope' }, ''],
    ])('an unknown key as %s', async (_, client, headers, query) => {
      const res = await fetch(`${relay.url}${RAW[client].path(MODEL)}${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(RAW[client].body(MODEL)),
      });
      await expectEnvelope(res, client, 401, 'Invalid API key');
    });

    it('model lists: OpenAI, Anthropic and Gemini shapes', async () => {
      await expectRefusal(
        'openai-chat',
        new OpenAI({
          apiKey: 'sk-rm-nope',
          baseURL: `${relay.url}/v1`,
          maxRetries: 0,
        }).models.list(),
        401,
        'Invalid API key',
      );
      await expectRefusal(
        'anthropic',
        new Anthropic({ apiKey: 'sk-rm-nope', baseURL: relay.url, maxRetries: 0 }).models.list(),
        401,
        'Invalid API key',
      );
      const res = await fetch(`${relay.url}/v1beta/models?key=sk-rm-nope`);
      await expectEnvelope(res, 'gemini', 401, 'Invalid API key');
    });
  });

  describe('403', () => {
    it.each(CLIENTS)('%s: a disabled key', async (client) => {
      await expectRefusal(client, call(relay, client, keys['disabled']), 403, 'disabled');
    });

    it.each(CLIENTS)('%s: an expired key', async (client) => {
      await expectRefusal(client, call(relay, client, keys['expired']), 403, 'expired');
    });

    it.each(CLIENTS)('%s: a model outside the key’s allow-list', async (client) => {
      await expectRefusal(
        client,
        call(relay, client, keys['narrow']),
        403,
        `not allowed to use model '${MODEL}'`,
      );
    });

    it.each(CLIENTS)('%s: a caller outside the key’s allow_ips', async (client) => {
      await expectRefusal(client, call(relay, client, keys['office']), 403, 'allow_ips');
    });

    it.each(CLIENTS)('%s: a caller inside the key’s allow_ips is served', async (client) => {
      await expect(call(relay, client, keys['local'])).resolves.toBeUndefined();
    });

    it('should take the client address from X-Forwarded-For when the hop is a trusted proxy', async () => {
      const ask = (forwardedFor?: string) =>
        fetch(`${relay.url}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${keys['office']}`,
            'content-type': 'application/json',
            ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
          },
          body: JSON.stringify(RAW['openai-chat'].body(MODEL)),
        });
      expect((await ask('203.0.113.9')).status).toBe(200);
      expect((await ask('2001:db8::7')).status).toBe(200);
      // The nearest untrusted hop is the client: a spoofed left-most entry does not help.
      await expectEnvelope(
        await ask('203.0.113.9, 198.51.100.1'),
        'openai-chat',
        403,
        '198.51.100.1',
      );
      await expectEnvelope(await ask(), 'openai-chat', 403, 'allow_ips');
    });

    it('model lists refuse a disabled key too', async () => {
      const res = await fetch(`${relay.url}/v1beta/models`, {
        headers: { 'x-goog-api-key': keys['disabled'] },
      });
      await expectEnvelope(res, 'gemini', 403, 'disabled');
    });
  });

  describe('404', () => {
    it.each(CLIENTS)('%s: an unknown model', async (client) => {
      await expectRefusal(
        client,
        call(relay, client, keys['good'], 'no-such-model'),
        404,
        "The model 'no-such-model' does not exist.",
      );
    });

    it.each<[string, string, Client | 'admin']>([
      ['GET', '/v2/chat/completions', 'openai-chat'],
      ['POST', '/v1/chat/completion', 'openai-chat'],
      ['GET', '/v1/chat/completions', 'openai-chat'],
      ['POST', '/v1/messages/nope', 'anthropic'],
      ['POST', '/v1beta/models/gpt-public:fly', 'gemini'],
      ['DELETE', '/v1beta/models/gpt-public:generateContent', 'gemini'],
      ['GET', '/', 'openai-chat'],
    ])('an unknown endpoint: %s %s', async (method, path, client) => {
      const res = await fetch(`${relay.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${keys['good']}` },
      });
      await expectEnvelope(res, client, 404, /Unknown endpoint/);
    });
  });

  describe('503', () => {
    it.each(CLIENTS)('%s: a model no channel of the key’s group serves', async (client) => {
      await expectRefusal(
        client,
        call(relay, client, keys['good'], 'vip-model'),
        503,
        "There are currently no available channels for model 'vip-model' in the current group default.",
      );
    });
  });

  describe('400', () => {
    it.each(CLIENTS)('%s: malformed JSON', async (client) => {
      const res = await fetch(`${relay.url}${RAW[client].path(MODEL)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys['good']}`, 'content-type': 'application/json' },
        body: '{"model": "gpt-public", "messages": [',
      });
      const body = await expectEnvelope(res, client, 400, /JSON/);
      if (client !== 'anthropic' && client !== 'gemini') {
        expect(body).toMatchObject({ error: { code: 'invalid_json' } });
      }
    });

    it('OpenAI chat: empty messages, with param', async () => {
      const client = new OpenAI({
        apiKey: keys['good'],
        baseURL: `${relay.url}/v1`,
        maxRetries: 0,
      });
      const err = await expectRefusal(
        'openai-chat',
        client.chat.completions.create({ model: MODEL, messages: [] }),
        400,
        'messages',
      );
      expect(err).toMatchObject({ param: 'messages', code: 'empty_array' });
    });

    it('OpenAI chat: a field of the wrong type, with param', async () => {
      const client = new OpenAI({
        apiKey: keys['good'],
        baseURL: `${relay.url}/v1`,
        maxRetries: 0,
      });
      const err = await expectRefusal(
        'openai-chat',
        client.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'hi' }],
          temperature: 'hot' as unknown as number,
        }),
        400,
        'temperature',
      );
      expect(err).toMatchObject({ param: 'temperature' });
    });

    it('OpenAI responses: no input, with param', async () => {
      const client = new OpenAI({
        apiKey: keys['good'],
        baseURL: `${relay.url}/v1`,
        maxRetries: 0,
      });
      const err = await expectRefusal(
        'openai-responses',
        client.responses.create({ model: MODEL }),
        400,
        'input',
      );
      expect(err).toMatchObject({ param: 'input' });
    });

    it('embeddings: no input, with param', async () => {
      const client = new OpenAI({
        apiKey: keys['good'],
        baseURL: `${relay.url}/v1`,
        maxRetries: 0,
      });
      const err = await expectRefusal(
        'embeddings',
        client.embeddings.create({ model: MODEL, input: '' }),
        400,
        'input',
      );
      expect(err).toMatchObject({ param: 'input' });
    });

    it('Anthropic: no max_tokens', async () => {
      const client = new Anthropic({ apiKey: keys['good'], baseURL: relay.url, maxRetries: 0 });
      await expectRefusal(
        'anthropic',
        client.messages.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'hi' }],
        } as unknown as Anthropic.MessageCreateParamsNonStreaming),
        400,
        'max_tokens',
      );
    });

    it('Anthropic: messages of the wrong type', async () => {
      const client = new Anthropic({ apiKey: keys['good'], baseURL: relay.url, maxRetries: 0 });
      await expectRefusal(
        'anthropic',
        client.messages.create({
          model: MODEL,
          max_tokens: 16,
          messages: 'hi' as unknown as Anthropic.MessageParam[],
        }),
        400,
        'messages',
      );
    });

    it('Gemini: empty contents (the SDK refuses to send it, so raw)', async () => {
      const res = await fetch(`${relay.url}/v1beta/models/${MODEL}:generateContent`, {
        method: 'POST',
        headers: { 'x-goog-api-key': keys['good'], 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [] }),
      });
      await expectEnvelope(res, 'gemini', 400, 'contents');
    });

    it('Gemini: contents of the wrong type', async () => {
      const res = await fetch(`${relay.url}/v1beta/models/${MODEL}:generateContent`, {
        method: 'POST',
        headers: { 'x-goog-api-key': keys['good'], 'content-type': 'application/json' },
        body: JSON.stringify({ contents: 42 }),
      });
      await expectEnvelope(res, 'gemini', 400, 'contents');
    });
  });

  describe('an upstream refusing the caller’s request', () => {
    it.each<Client>(['openai-chat', 'openai-responses', 'gemini'])(
      '%s: an Anthropic channel’s 400 arrives in the caller’s own envelope',
      async (client) => {
        anthropic.enqueueFault({
          kind: 'status',
          status: 400,
          body: {
            type: 'error',
            error: { type: 'invalid_request_error', message: 'messages.0: upstream says no' },
          },
        });
        await expectRefusal(
          client,
          call(relay, client, keys['good'], 'claude-public'),
          400,
          'upstream says no',
        );
      },
    );

    it('anthropic: a same-format refusal is relayed byte for byte', async () => {
      const body = {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'relayed as is' },
        request_id: 'req_upstream',
      };
      anthropic.enqueueFault({ kind: 'status', status: 400, body });
      const res = await fetch(`${relay.url}${RAW.anthropic.path('claude-public')}`, {
        method: 'POST',
        headers: { 'x-api-key': keys['good'], 'content-type': 'application/json' },
        body: JSON.stringify(RAW.anthropic.body('claude-public')),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual(body);
    });
  });

  describe('413', () => {
    const huge = 'a'.repeat(MAX_BODY_BYTES * 2);

    it.each(CLIENTS)('%s: a body over RELAYMESH_MAX_BODY_BYTES', async (client) => {
      await expectRefusal(
        client,
        call(relay, client, keys['good'], MODEL, huge),
        413,
        `larger than the limit of ${MAX_BODY_BYTES} bytes`,
      );
    });

    it('a chunked body (no Content-Length) is refused while it is read', async () => {
      let sent = 0;
      const chunk = new TextEncoder().encode('a'.repeat(16_384));
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          // Far more than the limit: the answer must come before all of it would have been read.
          if (sent > MAX_BODY_BYTES * 64) controller.close();
          else {
            sent += chunk.length;
            controller.enqueue(chunk);
          }
        },
      });
      const res = await fetch(`${relay.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': keys['good'], 'content-type': 'application/json' },
        body,
        duplex: 'half',
      });
      await expectEnvelope(
        res,
        'anthropic',
        413,
        `larger than the limit of ${MAX_BODY_BYTES} bytes`,
      );
    });
  });

  describe('429', () => {
    it.each(CLIENTS)('%s: the key’s rpm, with Retry-After', async (client) => {
      const key = keys[`rpm-${client}`];
      await expect(call(relay, client, key)).resolves.toBeUndefined();
      const err = await expectRefusal(client, call(relay, client, key), 429, 'requests per minute');
      if (client === 'gemini') return; // ApiError carries no headers; the raw case below checks them.
      const retryAfter = Number(
        (err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'),
      );
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    });

    it('Gemini: Retry-After on the raw answer', async () => {
      const res = await fetch(`${relay.url}${RAW.gemini.path(MODEL)}`, {
        method: 'POST',
        headers: { 'x-goog-api-key': keys['rpm-gemini'], 'content-type': 'application/json' },
        body: JSON.stringify(RAW.gemini.body(MODEL)),
      });
      const retryAfter = Number(res.headers.get('retry-after'));
      await expectEnvelope(res, 'gemini', 429, 'requests per minute');
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    });
  });

  it('keeps a client-sent x-request-id on refusals', async () => {
    const res = await fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-request-id': 'client-chosen-id-1', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.headers.get('x-request-id')).toBe('client-chosen-id-1');
    await expectEnvelope(res, 'openai-chat', 401, 'Missing API key');
  });

  it('counts refusals in /metrics by reason and by limit', async () => {
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    for (const reason of [
      'missing_key',
      'invalid_key',
      'disabled',
      'expired',
      'model_not_allowed',
      'ip_not_allowed',
    ]) {
      expect(metrics).toMatch(
        new RegExp(`relaymesh_ingress_auth_refusals_total\\{reason="${reason}"\\} [1-9]`),
      );
    }
    expect(metrics).toMatch(
      /relaymesh_ingress_rate_limit_refusals_total\{limit="rpm",format="anthropic"\} [1-9]/,
    );
  });
});
