// FakeAnthropic driven with plain fetch and eventsource-parser, as no Anthropic SDK is installed: the Messages
// API's JSON and stream shapes, its validation errors, the faults FakeUpstream plays, and request recording.
import { waitFor } from '../infra';
import { caught, eventData, readSse } from '../fake-upstream/fake-upstream.client';
import { FakeAnthropic } from './fake-anthropic.server';
import type { AnthropicRequestBody } from './fake-anthropic.types';

const KEY = 'sk-ant-test';
const VERSION = '2023-06-01';
const MODEL = 'claude-sonnet-4-5-20250929';
const MESSAGES = [{ role: 'user', content: 'ping pong' }];
const DEFAULT_REPLY = 'Hello from fake-anthropic! You said: ping pong';

interface RequestOptions {
  path?: string;
  method?: string;
  headers?: Record<string, string | null>;
  signal?: AbortSignal;
}

describe('FakeAnthropic', () => {
  let fake: FakeAnthropic;

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
  });

  afterEach(() => fake.reset());

  afterAll(() => fake.close());

  /** Sends `body` (an object as JSON, a string as is) with a valid key and version unless overridden. */
  function send(body?: unknown, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    const wanted: Record<string, string | null> = {
      'x-api-key': KEY,
      'anthropic-version': VERSION,
      'content-type': 'application/json',
      ...options.headers,
    };
    for (const [name, value] of Object.entries(wanted)) if (value !== null) headers[name] = value;
    return fetch(`${fake.url}${options.path ?? '/v1/messages'}`, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body: typeof body === 'string' || body === undefined ? body : JSON.stringify(body),
      signal: options.signal,
    });
  }

  function message(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { model: MODEL, max_tokens: 256, messages: MESSAGES, ...extra };
  }

  async function json(response: Response): Promise<Record<string, unknown>> {
    return (await response.json()) as Record<string, unknown>;
  }

  describe('messages without streaming', () => {
    it('answers with a message echoing the last user text', async () => {
      const response = await send(message());

      expect(response.status).toBe(200);
      const requestId = response.headers.get('request-id');
      expect(requestId).toMatch(/^req_011CV\w{20}$/);
      const body = await json(response);
      expect(body).toEqual({
        id: expect.stringMatching(/^msg_01\w{22}$/),
        type: 'message',
        role: 'assistant',
        model: MODEL,
        content: [{ type: 'text', text: DEFAULT_REPLY }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: {
          // "ping pong" is 9 characters, a quarter of that rounded up; the reply is 7 words.
          input_tokens: 3,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
          output_tokens: 7,
          service_tier: 'standard',
        },
      });
    });

    it('answers thinking, text and tool use blocks in that order, with stop_reason tool_use', async () => {
      const seen: AnthropicRequestBody[] = [];
      fake.setResponder((request) => {
        seen.push(request);
        return {
          thinking: { text: 'The user wants weather.', signature: 'sig-1' },
          text: 'Let me check.',
          toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }],
          inputTokens: 12,
          outputTokens: 30,
          cacheReadTokens: 100,
          cacheWriteTokens: 50,
        };
      });

      const body = await json(
        await send(
          message({
            system: [{ type: 'text', text: 'be brief' }],
            tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
            thinking: { type: 'enabled', budget_tokens: 1024 },
            max_tokens: 2048,
          }),
        ),
      );

      expect(seen[0]).toMatchObject({ model: MODEL, system: [{ text: 'be brief' }] });
      expect(body.content).toEqual([
        { type: 'thinking', thinking: 'The user wants weather.', signature: 'sig-1' },
        { type: 'text', text: 'Let me check.' },
        {
          type: 'tool_use',
          id: expect.stringMatching(/^toolu_01\w{22}$/),
          name: 'get_weather',
          input: { city: 'Paris' },
        },
      ]);
      expect(body.stop_reason).toBe('tool_use');
      expect(body.usage).toMatchObject({
        input_tokens: 12,
        output_tokens: 30,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 50,
      });
    });

    it('signs a thinking block itself when the responder gives no signature', async () => {
      fake.setResponder(() => ({ thinking: { text: 'hmm' }, text: 'ok' }));

      const body = await json(await send(message()));

      expect(body.content).toEqual([
        {
          type: 'thinking',
          thinking: 'hmm',
          signature: expect.stringMatching(/^[A-Za-z0-9+/=]{64,}$/),
        },
        { type: 'text', text: 'ok' },
      ]);
    });

    describe('verifies thinking signatures as the API does', () => {
      const replay = (thinking: string, signature: string) =>
        message({
          messages: [
            { role: 'user', content: 'weather?' },
            {
              role: 'assistant',
              content: [
                { type: 'thinking', thinking, signature },
                { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
              ],
            },
            {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }],
            },
          ],
          tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
        });
      const issued = async (text: string) => {
        fake.setResponder(() => ({ thinking: { text }, text: 'ok' }));
        const [block] = (await json(await send(message()))).content as { signature: string }[];
        fake.reset();
        return block.signature;
      };

      it('accepts its own signature for the text it signed, and one a responder chose', async () => {
        expect((await send(replay('Need weather.', await issued('Need weather.')))).status).toBe(
          200,
        );
        fake.setResponder(() => ({
          thinking: { text: 'x', signature: 'sig-scripted' },
          text: 'ok',
        }));
        await send(message());
        fake.reset();
        expect((await send(replay('x', 'sig-scripted'))).status).toBe(200);
      });

      it.each([
        ['a placeholder', 'Need weather.', 'skip_thought_signature_validator'],
        ['a signature of another text', 'Edited text.', null],
        [
          'a Gemini signature',
          'Need weather.',
          'CiIBpU3KGCUwux1tEyze1iN7LtkeP3IfyxlxF0SU1kk8nVw0YL4x',
        ],
      ])('refuses %s with the API’s 400', async (_what, thinking, given) => {
        const signature = given ?? (await issued('Need weather.'));
        const response = await send(replay(thinking, signature));
        expect(response.status).toBe(400);
        expect((await json(response)).error).toEqual({
          type: 'invalid_request_error',
          message: 'messages.1.content.0: Invalid `signature` in `thinking` block',
        });
      });
    });

    it('cuts the text at max_tokens words with stop_reason max_tokens', async () => {
      const body = await json(await send(message({ max_tokens: 3 })));

      expect(body.content).toEqual([{ type: 'text', text: 'Hello from fake-anthropic! ' }]);
      expect(body.stop_reason).toBe('max_tokens');
      expect(body.usage).toMatchObject({ output_tokens: 3 });
    });

    it('accepts a tool round trip, consecutive user messages and an empty final assistant message', async () => {
      fake.setResponder(() => ({ thinking: { text: 't' }, text: 'ok' }));
      const [signed] = (await json(await send(message()))).content as { signature: string }[];
      fake.reset();
      const response = await send(
        message({
          messages: [
            { role: 'user', content: 'weather?' },
            {
              role: 'assistant',
              content: [
                { type: 'thinking', thinking: 't', signature: signed.signature },
                { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
              ],
            },
            {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }],
            },
            // Consecutive user messages form one turn; the API merges them.
            { role: 'user', content: [{ type: 'text', text: 'and tomorrow?' }] },
            { role: 'assistant', content: '' },
          ],
          tools: [
            { name: 'get_weather', input_schema: { type: 'object' } },
            { type: 'web_search_20250305', name: 'web_search' },
          ],
        }),
      );

      expect(response.status).toBe(200);
      expect(await json(response)).toMatchObject({
        content: [{ text: 'Hello from fake-anthropic! You said: and tomorrow?' }],
      });
    });

    it('accepts a bearer token as OAuth clients send it', async () => {
      const response = await send(message(), {
        headers: { 'x-api-key': null, authorization: `Bearer ${KEY}` },
      });

      expect(response.status).toBe(200);
    });

    it('accepts only the configured keys when keys are given', async () => {
      const strict = await FakeAnthropic.start({ keys: ['team-key'] });
      try {
        const call = (key: string) =>
          fetch(`${strict.url}/v1/models`, {
            headers: { 'x-api-key': key, 'anthropic-version': VERSION },
          });

        expect((await call('team-key')).status).toBe(200);
        expect((await call(KEY)).status).toBe(401);
      } finally {
        await strict.close();
      }
    });
  });

  describe('messages with streaming', () => {
    it('sends the events in the API order for a text answer', async () => {
      const { events, error } = await readSse(await send(message({ stream: true })));
      const data = eventData(events);

      expect(error).toBeUndefined();
      expect(events.map((event) => event.event)).toEqual([
        'message_start',
        'content_block_start',
        'ping',
        ...Array<string>(7).fill('content_block_delta'),
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      expect(data.map((event) => event.type)).toEqual(events.map((event) => event.event));
      expect(data[0]).toMatchObject({
        message: {
          id: expect.stringMatching(/^msg_01/),
          type: 'message',
          role: 'assistant',
          model: MODEL,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: 3,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 1,
          },
        },
      });
      expect(data[1]).toEqual({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      const text = data
        .filter((event) => event.type === 'content_block_delta')
        .map((event) => (event.delta as { type: string; text: string }).text);
      expect(text).toEqual(DEFAULT_REPLY.split(/(?<= )/));
      expect(data.at(-2)).toEqual({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: {
          input_tokens: 3,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 7,
        },
      });
      expect(data.at(-1)).toEqual({ type: 'message_stop' });
    });

    it('streams thinking, then text, then tool input JSON in fragments', async () => {
      fake.setResponder(() => ({
        thinking: { text: 'Need weather.', signature: 'sig-2' },
        text: 'Checking.',
        toolCalls: [{ name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } }],
      }));

      const { events } = await readSse(await send(message({ stream: true })));
      const data = eventData(events);

      const shape = data.map((event) => {
        const delta = event.delta as { type?: string } | undefined;
        const block = event.content_block as { type?: string } | undefined;
        if (event.type === 'content_block_start') return `start:${block?.type}`;
        if (event.type === 'content_block_delta') return delta?.type;
        return event.type;
      });
      expect(shape).toEqual([
        'message_start',
        'start:thinking',
        'ping',
        'thinking_delta',
        'thinking_delta',
        'signature_delta',
        'content_block_stop',
        'start:text',
        'text_delta',
        'content_block_stop',
        'start:tool_use',
        ...Array<string>(1 + 5).fill('input_json_delta'),
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const blockAt = (index: number) => data.filter((event) => event.index === index);
      expect(blockAt(0)[0]?.content_block).toEqual({
        type: 'thinking',
        thinking: '',
        signature: '',
      });
      expect(blockAt(0)[3]?.delta).toEqual({ type: 'signature_delta', signature: 'sig-2' });
      const toolStart = blockAt(2)[0]?.content_block;
      expect(toolStart).toEqual({
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_01/),
        name: 'get_weather',
        input: {},
      });
      const partials = blockAt(2)
        .filter((event) => event.type === 'content_block_delta')
        .map((event) => (event.delta as { partial_json: string }).partial_json);
      expect(partials[0]).toBe('');
      expect(JSON.parse(partials.join(''))).toEqual({ city: 'Paris', unit: 'celsius' });
      expect(data.at(-2)?.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
    });
  });

  describe('count_tokens and models', () => {
    it('counts the same input tokens a message reports', async () => {
      const prompt = {
        model: MODEL,
        system: 'you are terse',
        messages: [{ role: 'user', content: 'how many tokens is this prompt?' }],
        tools: [{ name: 'f', input_schema: { type: 'object' } }],
      };

      const counted = await send(prompt, { path: '/v1/messages/count_tokens' });
      const answered = await json(await send({ ...prompt, max_tokens: 10 }));

      expect(counted.status).toBe(200);
      const { input_tokens } = (await counted.json()) as { input_tokens: number };
      expect(input_tokens).toBeGreaterThan(10);
      expect(answered.usage).toMatchObject({ input_tokens });
    });

    it('rejects max_tokens in count_tokens as an extra input', async () => {
      const response = await send(message(), { path: '/v1/messages/count_tokens' });

      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({
        error: { message: 'max_tokens: Extra inputs are not permitted' },
      });
    });

    it('lists models and retrieves one, in the Anthropic list shape', async () => {
      const list = await json(await send(undefined, { path: '/v1/models' }));
      const one = await json(await send(undefined, { path: `/v1/models/${MODEL}` }));
      const missing = await send(undefined, { path: '/v1/models/claude-nope' });

      expect(list).toMatchObject({
        has_more: false,
        first_id: MODEL,
        last_id: 'claude-opus-4-1-20250805',
      });
      expect(one).toEqual({
        type: 'model',
        id: MODEL,
        display_name: 'Claude Sonnet 4.5',
        created_at: '2025-09-29T00:00:00Z',
      });
      expect(missing.status).toBe(404);
      expect(await json(missing)).toMatchObject({
        error: { type: 'not_found_error', message: 'model: claude-nope' },
      });
    });
  });

  describe('authentication and headers', () => {
    it.each([
      ['no key', { 'x-api-key': null }, 'x-api-key header is required'],
      ['an unknown key', { 'x-api-key': 'sk-other' }, 'invalid x-api-key'],
      [
        'an unknown bearer token',
        { 'x-api-key': null, authorization: 'Bearer nope' },
        'Invalid bearer token',
      ],
    ])('rejects %s with 401 authentication_error', async (_case, headers, text) => {
      const response = await send(message(), { headers });

      expect(response.status).toBe(401);
      expect(await json(response)).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: text },
        request_id: response.headers.get('request-id'),
      });
    });

    it('rejects a request without anthropic-version with 400', async () => {
      const response = await send(message(), { headers: { 'anthropic-version': null } });

      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
      });
    });
  });

  describe('validation', () => {
    const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} };
    it.each([
      ['a missing model', { max_tokens: 5, messages: MESSAGES }, 'model: Field required'],
      ['a missing max_tokens', { model: MODEL, messages: MESSAGES }, 'max_tokens: Field required'],
      [
        'max_tokens of 0',
        message({ max_tokens: 0 }),
        'max_tokens: Input should be greater than or equal to 1',
      ],
      [
        'a fractional max_tokens',
        message({ max_tokens: 1.5 }),
        'max_tokens: Input should be a valid integer',
      ],
      ['missing messages', { model: MODEL, max_tokens: 5 }, 'messages: Field required'],
      ['empty messages', message({ messages: [] }), 'messages: at least one message is required'],
      [
        'a system role',
        message({ messages: [{ role: 'system', content: 'x' }, ...MESSAGES] }),
        'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.',
      ],
      [
        'a tool role',
        message({ messages: [{ role: 'tool', content: 'x' }] }),
        "messages.0.role: Input should be 'user' or 'assistant'",
      ],
      [
        'an OpenAI parameter',
        message({ stream_options: { include_usage: true } }),
        'stream_options: Extra inputs are not permitted',
      ],
      [
        'an OpenAI field on a message',
        message({ messages: [{ role: 'user', content: 'x', name: 'bob' }] }),
        'messages.0.name: Extra inputs are not permitted',
      ],
      [
        'an empty user message',
        message({ messages: [{ role: 'user', content: '' }] }),
        'messages.0: all messages must have non-empty content except for the optional final assistant message',
      ],
      [
        'an empty text block',
        message({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }),
        'messages: text content blocks must be non-empty',
      ],
      [
        'an OpenAI content part',
        message({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }),
        "messages.0.content.0: Input tag 'image_url' found using 'type' does not match any of the expected tags",
      ],
      [
        'an image without source',
        message({ messages: [{ role: 'user', content: [{ type: 'image' }] }] }),
        'messages.0.content.0.image.source: Field required',
      ],
      [
        'a tool_result that answers no tool_use',
        message({
          messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9' }] }],
        }),
        'messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
      ],
      [
        'a tool_use without its tool_result',
        message({
          messages: [
            ...MESSAGES,
            { role: 'assistant', content: [toolUse] },
            { role: 'user', content: 'next' },
          ],
        }),
        'messages.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1.',
      ],
      [
        'a tool without input_schema',
        message({ tools: [{ name: 'f' }] }),
        'tools.0.custom.input_schema: Field required',
      ],
      [
        'an OpenAI-shaped tool',
        message({ tools: [{ type: 'function', function: { name: 'f' } }] }),
        "tools.0: Input tag 'function' found using 'type' does not match any of the expected tags",
      ],
      [
        'duplicate tool names',
        message({
          tools: [
            { name: 'f', input_schema: { type: 'object' } },
            { name: 'f', input_schema: { type: 'object' } },
          ],
        }),
        'tools: Tool names must be unique.',
      ],
      [
        'a thinking budget below 1024',
        message({ thinking: { type: 'enabled', budget_tokens: 512 } }),
        'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
      ],
      [
        'a thinking budget not below max_tokens',
        message({ max_tokens: 1024, thinking: { type: 'enabled', budget_tokens: 1024 } }),
        '`max_tokens` must be greater than `thinking.budget_tokens`',
      ],
      [
        'a temperature above 1',
        message({ temperature: 1.5 }),
        'temperature: Input should be less than or equal to 1',
      ],
      [
        'malformed JSON',
        '{"model": ',
        'There was an error parsing the body of your request. Please ensure your body is valid JSON.',
      ],
    ])('rejects %s with 400 invalid_request_error', async (_case, body, text) => {
      const response = await send(body);

      expect(response.status).toBe(400);
      const envelope = await json(response);
      expect(envelope).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.any(String) },
        request_id: response.headers.get('request-id'),
      });
      expect((envelope.error as { message: string }).message.startsWith(text)).toBe(true);
    });

    it('answers an unknown path with 404 not_found_error', async () => {
      const response = await send({}, { path: '/v1/complete' });

      expect(response.status).toBe(404);
      expect(await json(response)).toMatchObject({
        type: 'error',
        error: { type: 'not_found_error', message: 'Not Found' },
      });
    });
  });

  describe('faults and recording', () => {
    it('records each request as sent, headers and query included', async () => {
      await send(message(), { path: '/v1/messages?beta=true' });

      expect(fake.requests).toHaveLength(1);
      expect(fake.lastRequest()).toMatchObject({
        method: 'POST',
        path: '/v1/messages',
        query: { beta: 'true' },
        body: message(),
      });
      expect(fake.lastRequest()?.headers).toMatchObject({
        'x-api-key': KEY,
        'anthropic-version': VERSION,
      });
    });

    it('answers a status fault with the Anthropic envelope for that status, once', async () => {
      fake.enqueueFault({ kind: 'status', status: 529 });

      const failed = await send(message());
      const next = await send(message());

      expect(failed.status).toBe(529);
      expect(await json(failed)).toEqual({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
        request_id: failed.headers.get('request-id'),
      });
      expect(next.status).toBe(200);
    });

    it('sends the body and headers given to a status fault', async () => {
      const body = { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } };
      fake.enqueueFault({ kind: 'status', status: 429, body, headers: { 'retry-after': '7' } });

      const response = await send(message());

      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(await json(response)).toEqual(body);
    });

    it('applies a sticky fault only to its path until cleared', async () => {
      fake.setStickyFault({ kind: 'status', status: 500, path: '/v1/messages/count_tokens' });
      const countPath = { path: '/v1/messages/count_tokens' };
      const prompt = { model: MODEL, messages: MESSAGES };

      expect((await send(prompt, countPath)).status).toBe(500);
      expect((await send(prompt, countPath)).status).toBe(500);
      expect((await send(message())).status).toBe(200);
      fake.setStickyFault(null);
      expect((await send(prompt, countPath)).status).toBe(200);
    });

    it('delays the first byte without holding up other requests', async () => {
      fake.enqueueFault({ kind: 'delay', ms: 60_000 });
      const abort = new AbortController();
      let settled = false;
      const delayed = send(message(), { signal: abort.signal }).finally(() => (settled = true));
      await waitFor(() => fake.requests.length === 1, { what: 'the delayed request' });

      const other = await send(message());

      expect(other.status).toBe(200);
      expect(settled).toBe(false);
      abort.abort();
      expect(await caught(() => delayed)).toMatchObject({ name: 'AbortError' });
    });

    it('answers normally once a delay has passed', async () => {
      fake.enqueueFault({ kind: 'delay', ms: 10 });

      const response = await send(message());

      expect(response.status).toBe(200);
      expect(await json(response)).toMatchObject({ content: [{ text: DEFAULT_REPLY }] });
    });

    it('hangs a request until the client gives up', async () => {
      fake.enqueueFault({ kind: 'hang' });

      const error = await caught(() => send(message(), { signal: AbortSignal.timeout(200) }));

      expect(error).toMatchObject({ name: 'TimeoutError' });
      expect(fake.lastRequest()?.body).toEqual(message());
    });

    it('resets the connection before any response byte', async () => {
      fake.enqueueFault({ kind: 'reset' });

      const error = await caught(() => send(message()));

      expect(error).toMatchObject({ name: 'TypeError', cause: { code: 'ECONNRESET' } });
    });

    it('drops a stream after exactly the given number of deltas, before message_delta', async () => {
      fake.enqueueFault({ kind: 'reset-mid-stream', afterChunks: 2 });

      // The fault waits for a streaming request; the plain one before it is answered normally.
      const plain = await send(message());
      const response = await send(message({ stream: true }));
      const { events, error } = await readSse(response);

      expect(plain.status).toBe(200);
      expect(response.status).toBe(200);
      expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
      expect(events.map((event) => event.event)).toEqual([
        'message_start',
        'content_block_start',
        'ping',
        'content_block_delta',
        'content_block_delta',
      ]);
    });
  });
});
