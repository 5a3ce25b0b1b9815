// Drives the fake with the official openai SDK, so a wire-format mistake shows up as the SDK failing exactly
// where it would against a real upstream; requests the SDK cannot build are sent with plain fetch.
import OpenAI from 'openai';
import { FakeOpenAI } from './fake-openai.server';

const MESSAGES = [{ role: 'user' as const, content: 'ping pong' }];
const DEFAULT_REPLY = 'Hello from fake-openai! You said: ping pong';

/** Polls `condition` until it holds; fails after `deadlineMs` instead of waiting forever. */
async function waitFor(condition: () => boolean, deadlineMs = 2_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Jest runs a test file in its own realm, but fetch and AbortController come from Node's, so the SDK's
 * `instanceof Error` check misses a timeout's DOMException and reports a plain connection error. Re-throwing
 * foreign errors as this realm's Error, name and cause kept, lets the SDK classify them as it does outside jest.
 */
const realmSafeFetch: typeof fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (error) {
    if (error instanceof Error) throw error;
    const { name, message } = error as { name?: string; message?: string };
    throw Object.assign(new Error(message, { cause: error }), { name: name ?? 'Error' });
  }
};

function sdk(baseUrl: string, apiKey = 'sk-test'): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0, fetch: realmSafeFetch });
}

/** The `code` of every error along a `cause` chain, e.g. the ECONNRESET under the SDK's connection error. */
function causeCodes(error: unknown): unknown[] {
  const codes: unknown[] = [];
  for (let e = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    if ('code' in e) codes.push(e.code);
  }
  return codes;
}

/** Settles to the thrown value, so a test can assert on it after awaiting; fails if nothing was thrown. */
async function caught(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('FakeOpenAI', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    client = sdk(fake.url);
  });

  afterEach(() => fake.reset());

  afterAll(() => fake.close());

  function post(path: string, body: string, apiKey: string | null = 'sk-test'): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    return fetch(`${fake.url}${path}`, { method: 'POST', headers, body });
  }

  describe('chat completions without streaming', () => {
    it('answers with a chat.completion echoing the last user message', async () => {
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: [{ type: 'text', text: 'ping pong' }] },
        ],
      });

      expect(completion).toMatchObject({
        object: 'chat.completion',
        model: 'gpt-4o-mini',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: DEFAULT_REPLY, refusal: null },
            finish_reason: 'stop',
          },
        ],
        usage: {
          // "be brief" + "ping pong" = 17 characters, a quarter of that rounded up.
          prompt_tokens: 5,
          completion_tokens: 7,
          total_tokens: 12,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      });
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.system_fingerprint).toMatch(/^fp_/);
      expect(completion._request_id).toMatch(/^req_[0-9a-f]{32}$/);
    });

    it('answers with what the responder returns, including tool calls', async () => {
      fake.setResponder((request) => ({
        toolCalls: [{ name: 'get_weather', arguments: JSON.stringify({ model: request.model }) }],
        promptTokens: 11,
        completionTokens: 3,
        cachedTokens: 4,
      }));

      const completion = await client.chat.completions.create({
        model: 'gpt-5-mini',
        messages: MESSAGES,
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: {} } }],
      });

      const choice = completion.choices[0];
      expect(choice?.finish_reason).toBe('tool_calls');
      expect(choice?.message.content).toBeNull();
      expect(choice?.message.tool_calls).toEqual([
        {
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: 'get_weather', arguments: '{"model":"gpt-5-mini"}' },
        },
      ]);
      expect(completion.usage).toMatchObject({
        prompt_tokens: 11,
        completion_tokens: 3,
        total_tokens: 14,
        prompt_tokens_details: { cached_tokens: 4 },
      });
    });

    it('records the request as sent, before answering', async () => {
      await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: MESSAGES, max_completion_tokens: 5 },
        { query: { trace: 'yes' } },
      );

      expect(fake.requests).toHaveLength(1);
      expect(fake.lastRequest()).toMatchObject({
        method: 'POST',
        path: '/v1/chat/completions',
        query: { trace: 'yes' },
        body: { model: 'gpt-4o-mini', messages: MESSAGES, max_completion_tokens: 5 },
      });
      const recorded = fake.lastRequest();
      expect(recorded?.headers.authorization).toBe('Bearer sk-test');
      expect(JSON.parse(recorded?.rawBody ?? '')).toEqual(recorded?.body);
    });
  });

  describe('chat completions with streaming', () => {
    it('counts a stream read to the end as finished and one the client left as abandoned', async () => {
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true });
      const whole = await post('/v1/chat/completions', body);
      const text = await whole.text();
      await waitFor(() => fake.streams.finished === 1);
      expect(fake.streams.bytesFlushed).toBe(Buffer.byteLength(text));

      fake.setStreamChunkDelayMs(200);
      const left = new AbortController();
      const cut = await fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body,
        signal: left.signal,
      });
      await cut.body?.getReader().read();
      left.abort();
      await waitFor(() => fake.streams.abandoned === 1);
      expect(fake.streams).toMatchObject({ started: 2, finished: 1, abandoned: 1 });
    });

    it('streams the reply word by word so the deltas add up to the text', async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: MESSAGES,
        stream: true,
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks[0]?.choices[0]?.delta).toEqual({
        role: 'assistant',
        content: '',
        refusal: null,
      });
      const words = chunks.slice(1, -1).map((chunk) => chunk.choices[0]?.delta.content);
      expect(words).toEqual(DEFAULT_REPLY.split(/(?<= )/));
      expect(words.join('')).toBe(DEFAULT_REPLY);
      expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
      expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
      expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    });

    it('sends the usage chunk, and usage: null before it, only with include_usage', async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: MESSAGES,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toMatchObject({
        prompt_tokens: 3,
        completion_tokens: 7,
        total_tokens: 10,
      });
      expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    });

    it('streams tool calls the way the SDK stream helper reassembles them', async () => {
      fake.setResponder(() => ({
        text: 'Checking.',
        toolCalls: [
          { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
        ],
      }));

      const final = await client.chat.completions
        .stream({
          model: 'gpt-4o-mini',
          messages: MESSAGES,
          stream_options: { include_usage: true },
        })
        .finalChatCompletion();

      const message = final.choices[0]?.message;
      expect(final.choices[0]?.finish_reason).toBe('tool_calls');
      expect(message?.content).toBe('Checking.');
      expect(message?.tool_calls?.map((call) => call.type === 'function' && call.function)).toEqual(
        [
          { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
        ],
      );
      expect(final.usage?.total_tokens).toBeGreaterThan(0);
    });

    it('opens a tools-only stream with the role and the first call head, then argument fragments', async () => {
      fake.setResponder(() => ({
        toolCalls: [{ name: 'lookup', arguments: '{"q":"a long query"}' }],
      }));

      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: MESSAGES,
        stream: true,
      });
      const deltas: OpenAI.ChatCompletionChunk.Choice.Delta[] = [];
      for await (const chunk of stream) if (chunk.choices[0]) deltas.push(chunk.choices[0].delta);

      expect(deltas[0]).toMatchObject({
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            index: 0,
            id: expect.stringMatching(/^call_/),
            type: 'function',
            function: { name: 'lookup', arguments: '' },
          },
        ],
      });
      const fragments = deltas
        .slice(1, -1)
        .map((delta) => delta.tool_calls?.[0]?.function?.arguments);
      expect(fragments.length).toBeGreaterThan(1);
      expect(fragments.join('')).toBe('{"q":"a long query"}');
    });

    it('holds back the next chunk for the chunk delay while other requests are answered', async () => {
      fake.setStreamChunkDelayMs(60_000);

      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: MESSAGES,
        stream: true,
      });
      const chunks = stream[Symbol.asyncIterator]();
      const first = await chunks.next();
      let secondArrived = false;
      const second = chunks.next().then(() => (secondArrived = true));
      await client.models.list();

      expect(first.value?.choices[0]?.delta).toMatchObject({ role: 'assistant' });
      expect(secondArrived).toBe(false);
      // Aborting ends the iteration quietly; the fake's pending delay is cancelled by close().
      stream.controller.abort();
      await second;
    });

    it('still streams the whole reply with a short chunk delay', async () => {
      fake.setStreamChunkDelayMs(2);

      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: MESSAGES,
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';

      expect(text).toBe(DEFAULT_REPLY);
    });
  });

  describe('authentication and validation', () => {
    it('rejects an unknown key with 401 invalid_api_key', async () => {
      const bad = sdk(fake.url, 'not-a-key');

      const error = await caught(() =>
        bad.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }),
      );

      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error).toMatchObject({
        status: 401,
        code: 'invalid_api_key',
        type: 'invalid_request_error',
        requestID: expect.stringMatching(/^req_/),
      });
      expect((error as Error).message).toContain('Incorrect API key provided');
    });

    it('rejects a request without a key with 401', async () => {
      const response = await post(
        '/v1/chat/completions',
        JSON.stringify({ model: 'm', messages: MESSAGES }),
        null,
      );

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        error: {
          message: expect.stringContaining("You didn't provide an API key"),
          type: 'invalid_request_error',
        },
      });
    });

    it('accepts only the configured keys when keys are given', async () => {
      const strict = await FakeOpenAI.start({ keys: ['team-key'] });
      try {
        const allowed = sdk(strict.url, 'team-key');
        const denied = sdk(strict.url, 'sk-other');

        await expect(allowed.models.list()).resolves.toBeDefined();
        await expect(denied.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      } finally {
        await strict.close();
      }
    });

    it('rejects empty messages with 400 on param messages', async () => {
      const error = await caught(() =>
        client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }),
      );

      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, param: 'messages' });
      expect((error as Error).message).toContain("[] is too short - 'messages'");
    });

    it.each([
      ['a body that is not an object', [], 'body', 'invalid_type'],
      ['a missing model', { messages: MESSAGES }, null, null],
      ['a model that is not a string', { model: 4, messages: MESSAGES }, 'model', 'invalid_type'],
      ['missing messages', { model: 'm' }, 'messages', 'missing_required_parameter'],
      [
        'an unknown role',
        { model: 'm', messages: [{ role: 'bot', content: 'x' }] },
        'messages[0].role',
        'invalid_value',
      ],
      [
        'a user message without content',
        { model: 'm', messages: [{ role: 'user' }] },
        'messages[0].content',
        'missing_required_parameter',
      ],
      [
        'a non-boolean stream',
        { model: 'm', messages: MESSAGES, stream: 'yes' },
        'stream',
        'invalid_type',
      ],
      [
        'stream_options without stream',
        { model: 'm', messages: MESSAGES, stream_options: { include_usage: true } },
        'stream_options',
        null,
      ],
      [
        'max_tokens of 0',
        { model: 'm', messages: MESSAGES, max_tokens: 0 },
        'max_tokens',
        'integer_below_min_value',
      ],
      [
        'a fractional max_completion_tokens',
        { model: 'm', messages: MESSAGES, max_completion_tokens: 1.5 },
        'max_completion_tokens',
        'invalid_type',
      ],
      [
        'a tool message without a preceding tool call',
        {
          model: 'm',
          messages: [...MESSAGES, { role: 'tool', tool_call_id: 'call_1', content: 'x' }],
        },
        'messages.[1].role',
        null,
      ],
      [
        'a tool call left without its tool message',
        {
          model: 'm',
          messages: [
            ...MESSAGES,
            {
              role: 'assistant',
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
              ],
            },
            { role: 'user', content: 'next' },
          ],
        },
        'messages.[1].role',
        null,
      ],
    ])('rejects %s with 400', async (_case, body, param, code) => {
      const response = await post('/v1/chat/completions', JSON.stringify(body));

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { message: expect.any(String), type: 'invalid_request_error', param, code },
      });
    });

    it('accepts a complete tool call round trip', async () => {
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          ...MESSAGES,
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
      });

      expect(completion.choices[0]?.message.content).toBe(DEFAULT_REPLY);
    });

    it('rejects malformed JSON with the API parse error', async () => {
      const response = await post('/v1/chat/completions', '{"model": ');

      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/^We could not parse the JSON body of your request/);
      expect(fake.lastRequest()).toMatchObject({ rawBody: '{"model": ', body: undefined });
    });

    it('answers an unknown URL with 404 in the error envelope', async () => {
      const response = await post('/v1/nope', '{}');

      expect(response.status).toBe(404);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      expect(await response.json()).toEqual({
        error: {
          message: 'Invalid URL (POST /v1/nope)',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    });
  });

  describe('faults', () => {
    it('answers a status fault with the default envelope, once', async () => {
      fake.enqueueFault({ kind: 'status', status: 500 });

      const error = await caught(() =>
        client.chat.completions.create({ model: 'm', messages: MESSAGES }),
      );
      const next = await client.chat.completions.create({ model: 'm', messages: MESSAGES });

      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(error).toMatchObject({ status: 500, type: 'server_error' });
      expect(next.choices[0]?.message.content).toBe(DEFAULT_REPLY);
      expect(fake.requests).toHaveLength(2);
    });

    it('sends the body and headers given to a status fault', async () => {
      fake.enqueueFault({
        kind: 'status',
        status: 429,
        body: {
          error: {
            message: 'slow down',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        },
        headers: { 'retry-after': '7' },
      });

      const error = await caught(() => client.models.list());

      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error).toMatchObject({
        status: 429,
        code: 'rate_limit_exceeded',
        message: '429 slow down',
      });
      expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe(
        '7',
      );
    });

    it('echoes the request headers, key included, into the error message when told to', async () => {
      fake.enqueueFault({ kind: 'status', status: 400, echoHeaders: true });

      const response = await post('/v1/chat/completions', '{}');
      const body = (await response.json()) as { error: { message: string; type: string } };

      expect(response.status).toBe(400);
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.message).toContain('authorization: Bearer sk-test');
    });

    it('applies queued faults in order, each to the next request matching its path', async () => {
      fake.enqueueFault({ kind: 'status', status: 503, path: '/v1/embeddings' });
      fake.enqueueFault({ kind: 'status', status: 502 });

      const first = await caught(() =>
        client.chat.completions.create({ model: 'm', messages: MESSAGES }),
      );
      const second = await caught(() => client.embeddings.create({ model: 'e', input: 'x' }));
      const third = await client.embeddings.create({ model: 'e', input: 'x' });

      expect(first).toMatchObject({ status: 502 });
      expect(second).toMatchObject({ status: 503 });
      expect(third.data).toHaveLength(1);
    });

    it('applies a sticky fault to every request until cleared, and reset() clears it', async () => {
      fake.setStickyFault({ kind: 'status', status: 500 });
      await expect(client.models.list()).rejects.toMatchObject({ status: 500 });
      await expect(client.models.list()).rejects.toMatchObject({ status: 500 });
      fake.setStickyFault(null);
      await expect(client.models.list()).resolves.toBeDefined();

      fake.setStickyFault({ kind: 'status', status: 500 });
      fake.enqueueFault({ kind: 'status', status: 502 });
      fake.reset();
      await expect(client.models.list()).resolves.toBeDefined();
      expect(fake.requests).toHaveLength(1);
    });

    it('delays the first byte, answers normally afterwards, and does not hold up other requests', async () => {
      fake.enqueueFault({ kind: 'delay', ms: 1_000, path: '/v1/chat/completions' });
      let delayedSettled = false;
      const delayed = client.chat.completions
        .create({ model: 'm', messages: MESSAGES })
        .finally(() => (delayedSettled = true));
      await waitFor(() => fake.requests.length === 1);

      await client.models.list();
      expect(delayedSettled).toBe(false);

      const completion = await delayed;
      expect(completion.choices[0]?.message.content).toBe(DEFAULT_REPLY);
    });

    it('sends no status line while delaying', async () => {
      fake.enqueueFault({ kind: 'delay', ms: 60_000 });

      const error = await caught(() => client.models.list({ timeout: 300 }));

      expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    });

    it('hangs a request until the client times out', async () => {
      fake.enqueueFault({ kind: 'hang' });

      const error = await caught(() =>
        client.chat.completions.create({ model: 'm', messages: MESSAGES }, { timeout: 300 }),
      );

      expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      expect(fake.lastRequest()?.body).toEqual({ model: 'm', messages: MESSAGES });
    });

    it('resets the connection before any response byte', async () => {
      fake.enqueueFault({ kind: 'reset' });

      const error = await caught(() =>
        client.chat.completions.create({ model: 'm', messages: MESSAGES }),
      );

      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(error).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      expect(causeCodes(error)).toContain('ECONNRESET');
      expect(fake.requests).toHaveLength(1);
    });

    it.each([0, 1, 3])('drops a stream after exactly %i content chunks', async (afterChunks) => {
      fake.enqueueFault({ kind: 'reset-mid-stream', afterChunks });
      fake.setResponder(() => ({ text: 'one two three four five' }));

      const stream = await client.chat.completions.create({
        model: 'm',
        messages: MESSAGES,
        stream: true,
      });
      const pieces: string[] = [];
      const error = await caught(async () => {
        for await (const chunk of stream) {
          const content = chunk.choices[0]?.delta.content;
          if (content) pieces.push(content);
        }
      });

      // undici's error for a response body cut short by the peer.
      expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
      expect(pieces).toEqual(['one ', 'two ', 'three '].slice(0, afterChunks));
    });

    it('keeps a reset-mid-stream fault queued until a streaming request comes', async () => {
      fake.enqueueFault({ kind: 'reset-mid-stream', afterChunks: 1 });

      const plain = await client.chat.completions.create({ model: 'm', messages: MESSAGES });
      const stream = await client.chat.completions.create({
        model: 'm',
        messages: MESSAGES,
        stream: true,
      });
      const error = await caught(async () => {
        for await (const chunk of stream) void chunk;
      });

      expect(plain.choices[0]?.message.content).toBe(DEFAULT_REPLY);
      expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    });

    it('rejects a fault that cannot be played', () => {
      expect(() => fake.enqueueFault({ kind: 'status', status: 42 })).toThrow(RangeError);
      expect(() => fake.enqueueFault({ kind: 'reset-mid-stream', afterChunks: -1 })).toThrow(
        RangeError,
      );
    });
  });

  describe('embeddings and models', () => {
    it('embeds each input deterministically, the same in base64 (SDK default) and float', async () => {
      const viaBase64 = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['alpha', 'beta', 'alpha'],
      });
      const viaFloat = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: 'alpha',
        encoding_format: 'float',
      });

      expect(fake.requests[0]?.body).toMatchObject({ encoding_format: 'base64' });
      expect(viaBase64).toMatchObject({ object: 'list', model: 'text-embedding-3-small' });
      const [alpha, beta, alphaAgain] = viaBase64.data.map((item) => item.embedding);
      expect(viaBase64.data.map((item) => item.index)).toEqual([0, 1, 2]);
      expect(alpha).toHaveLength(8);
      expect(alphaAgain).toEqual(alpha);
      expect(beta).not.toEqual(alpha);
      expect(viaFloat.data[0]?.embedding).toEqual(alpha);
      // A quarter of each input's characters, rounded up: 2 + 1 + 2.
      expect(viaBase64.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    });

    it('rejects embeddings without input', async () => {
      const response = await post(
        '/v1/embeddings',
        JSON.stringify({ model: 'text-embedding-3-small' }),
      );

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { param: 'input' } });
    });

    it('lists the default models', async () => {
      const page = await client.models.list();

      expect(page.data.map((model) => model.id)).toEqual([
        'gpt-5-mini',
        'gpt-4o-mini',
        'text-embedding-3-small',
      ]);
      expect(page.data[0]).toEqual({
        id: 'gpt-5-mini',
        object: 'model',
        created: expect.any(Number),
        owned_by: 'system',
      });
    });

    it('lists and retrieves the models it was started with', async () => {
      const custom = await FakeOpenAI.start({ models: ['only-model'] });
      try {
        const customClient = sdk(custom.url);

        const page = await customClient.models.list();
        const model = await customClient.models.retrieve('only-model');
        const missing = await caught(() => customClient.models.retrieve('gpt-4o-mini'));

        expect(page.data.map((m) => m.id)).toEqual(['only-model']);
        expect(model.id).toBe('only-model');
        expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
      } finally {
        await custom.close();
      }
    });
  });

  describe('close', () => {
    it('closes while a request hangs, ending that request', async () => {
      const doomed = await FakeOpenAI.start();
      doomed.enqueueFault({ kind: 'hang' });
      const doomedClient = sdk(doomed.url);
      const pending = caught(() => doomedClient.models.list());
      await waitFor(() => doomed.requests.length === 1);

      await doomed.close();

      expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    });
  });
});
