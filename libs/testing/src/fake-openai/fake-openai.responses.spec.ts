// The Responses API of FakeOpenAI, driven with plain fetch and eventsource-parser for the exact wire format,
// and with the official SDK where its stream helper checks that the events fit together.
import OpenAI from 'openai';
import { eventData, readSse } from '../fake-upstream/fake-upstream.client';
import { FakeOpenAI } from './fake-openai.server';
import type { ChatRequestBody } from './fake-openai.types';

const DEFAULT_REPLY = 'Hello from fake-openai! You said: ping pong';

interface ResponseBody {
  id: string;
  object: string;
  status: string;
  output: Record<string, unknown>[];
  usage: Record<string, unknown> | null;
  [field: string]: unknown;
}

describe('FakeOpenAI Responses API', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  });

  afterEach(() => fake.reset());

  afterAll(() => fake.close());

  function post(body: unknown, apiKey: string | null = 'sk-test'): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    return fetch(`${fake.url}/v1/responses`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
  }

  async function create(body: Record<string, unknown>): Promise<ResponseBody> {
    const response = await post(body);
    expect(response.status).toBe(200);
    return (await response.json()) as ResponseBody;
  }

  describe('without streaming', () => {
    it('answers with a completed response whose message echoes the input', async () => {
      const response = await post({ model: 'gpt-5-mini', input: 'ping pong' });

      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      const body = (await response.json()) as ResponseBody;
      expect(body).toMatchObject({
        object: 'response',
        status: 'completed',
        model: 'gpt-5-mini',
        error: null,
        incomplete_details: null,
        output: [
          {
            type: 'message',
            id: expect.stringMatching(/^msg_/),
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: DEFAULT_REPLY, annotations: [] }],
          },
        ],
      });
      expect(body.id).toMatch(/^resp_[0-9a-f]{48}$/);
      // "ping pong" is 9 characters, a quarter of that rounded up; the reply is 7 words.
      expect(body.usage).toEqual({
        input_tokens: 3,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 10,
      });
    });

    it('hands the chat responder the input items as chat messages, instructions first', async () => {
      const seen: ChatRequestBody[] = [];
      fake.setResponder((request) => {
        seen.push(request);
        return { text: 'ok', promptTokens: 20, completionTokens: 2, cachedTokens: 8 };
      });

      const body = await create({
        model: 'gpt-5-mini',
        instructions: 'be brief',
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'first' }] },
          { type: 'message', role: 'assistant', content: 'noted' },
          { role: 'user', content: 'second' },
        ],
        max_output_tokens: 64,
      });

      expect(seen[0]).toMatchObject({
        model: 'gpt-5-mini',
        max_completion_tokens: 64,
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: [{ type: 'text', text: 'first' }] },
          { role: 'assistant', content: 'noted' },
          { role: 'user', content: 'second' },
        ],
      });
      expect(body.usage).toEqual({
        input_tokens: 20,
        input_tokens_details: { cached_tokens: 8 },
        output_tokens: 2,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 22,
      });
      expect(body.instructions).toBe('be brief');
    });

    it('answers tool calls as function_call items, without a message when there is no text', async () => {
      fake.setResponder(() => ({
        toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
      }));

      const body = await create({
        model: 'gpt-5-mini',
        input: 'weather?',
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
      });

      expect(body.output).toEqual([
        {
          type: 'function_call',
          id: expect.stringMatching(/^fc_/),
          call_id: expect.stringMatching(/^call_/),
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
          status: 'completed',
        },
      ]);
    });

    it('accepts the output of a function call made in a previous response', async () => {
      fake.setResponder(() => ({ toolCalls: [{ name: 'lookup', arguments: '{}' }] }));
      const first = await create({ model: 'gpt-5-mini', input: 'look it up' });
      const callId = first.output[0]?.call_id;
      const seen: ChatRequestBody[] = [];
      fake.setResponder((request) => {
        seen.push(request);
        return { text: 'found it' };
      });

      const second = await create({
        model: 'gpt-5-mini',
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: callId, output: '42' }],
      });

      expect(second.previous_response_id).toBe(first.id);
      expect(second.output[0]).toMatchObject({ content: [{ text: 'found it' }] });
      // The model sees the previous response's conversation, then the new input, as the real API gives it.
      expect(seen[0]?.messages).toEqual([
        { role: 'user', content: 'look it up' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: callId, type: 'function', function: { name: 'lookup', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: callId, content: '42' },
      ]);
    });

    it('resolves an item_reference to an item it stored, and answers 404 for one it did not', async () => {
      fake.setResponder(() => ({ text: 'first answer' }));
      const first = await create({ model: 'gpt-5-mini', input: 'hi' });
      const unstored = await create({ model: 'gpt-5-mini', input: 'hi', store: false });
      const seen: ChatRequestBody[] = [];
      fake.setResponder((request) => {
        seen.push(request);
        return { text: 'second answer' };
      });

      await create({
        model: 'gpt-5-mini',
        input: [
          { role: 'user', content: 'hi' },
          { type: 'item_reference', id: first.output[0]?.id },
          { role: 'user', content: 'again' },
        ],
      });
      const missing = await post({
        model: 'gpt-5-mini',
        input: [{ type: 'item_reference', id: unstored.output[0]?.id }],
      });

      expect(seen[0]?.messages).toEqual([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'text', text: 'first answer' }] },
        { role: 'user', content: 'again' },
      ]);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({
        error: {
          message: `Item with id '${String(unstored.output[0]?.id)}' not found.`,
          type: 'invalid_request_error',
          param: 'input',
          code: null,
        },
      });
    });

    it('reports a reply cut by length as incomplete', async () => {
      fake.setResponder(() => ({ text: 'cut', finishReason: 'length' }));

      const body = await create({ model: 'gpt-5-mini', input: 'x' });

      expect(body.status).toBe('incomplete');
      expect(body.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    });

    it('works with the SDK, whose output_text joins the message text', async () => {
      const response = await client.responses.create({ model: 'gpt-5-mini', input: 'ping pong' });

      expect(response.output_text).toBe(DEFAULT_REPLY);
      expect(fake.lastRequest()).toMatchObject({
        method: 'POST',
        path: '/v1/responses',
        body: { model: 'gpt-5-mini', input: 'ping pong' },
      });
    });
  });

  describe('with streaming', () => {
    it('sends the named events in the API order with sequence numbers from 0', async () => {
      fake.setResponder(() => ({
        text: 'Checking the weather.',
        toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' }],
      }));

      const { events, error } = await readSse(
        await post({ model: 'gpt-5-mini', input: 'weather?', stream: true }),
      );
      const data = eventData(events);

      expect(error).toBeUndefined();
      expect(events.map((event) => event.event)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.output_item.added',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(data.map((event) => event.type)).toEqual(events.map((event) => event.event));
      expect(data.map((event) => event.sequence_number)).toEqual(data.map((_event, i) => i));
      const deltas = (type: string) =>
        data.filter((event) => event.type === type).map((event) => event.delta);
      expect(deltas('response.output_text.delta')).toEqual(['Checking ', 'the ', 'weather.']);
      expect(deltas('response.function_call_arguments.delta').join('')).toBe(
        '{"city":"Paris","unit":"c"}',
      );
      expect(data[0]).toMatchObject({
        response: { status: 'in_progress', output: [], usage: null },
      });
      expect(data[10]).toMatchObject({
        output_index: 1,
        item: { type: 'function_call', name: 'get_weather', arguments: '', status: 'in_progress' },
      });
      expect(data.at(-1)).toMatchObject({
        response: { status: 'completed', usage: { output_tokens: expect.any(Number) } },
      });
    });

    it('streams in a form the SDK stream helper assembles into the final response', async () => {
      fake.setResponder(() => ({
        text: 'Calling.',
        toolCalls: [{ name: 'lookup', arguments: '{"q":"a long query"}' }],
      }));

      const final = await client.responses
        .stream({ model: 'gpt-5-mini', input: 'go' })
        .finalResponse();

      expect(final.output_text).toBe('Calling.');
      expect(final.output[1]).toMatchObject({
        type: 'function_call',
        name: 'lookup',
        arguments: '{"q":"a long query"}',
      });
    });

    it('drops the stream after the given number of deltas, before response.completed', async () => {
      fake.enqueueFault({ kind: 'reset-mid-stream', afterChunks: 2, path: '/v1/responses' });

      const { events, error } = await readSse(
        await post({ model: 'gpt-5-mini', input: 'ping pong', stream: true }),
      );

      expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
      const deltas = eventData(events).filter((e) => e.type === 'response.output_text.delta');
      expect(deltas.map((event) => event.delta)).toEqual(['Hello ', 'from ']);
      expect(events.some((event) => event.event === 'response.completed')).toBe(false);
    });
  });

  describe('validation', () => {
    it.each([
      ['a missing model', { input: 'x' }, 'model', 'missing_required_parameter'],
      ['a missing input', { model: 'm' }, 'input', 'missing_required_parameter'],
      ['an empty input array', { model: 'm', input: [] }, 'input', 'empty_array'],
      ['an input that is a number', { model: 'm', input: 4 }, 'input', 'invalid_type'],
      [
        'a chat parameter',
        { model: 'm', input: 'x', messages: [] },
        'messages',
        'unknown_parameter',
      ],
      [
        'a chat-style content part',
        { model: 'm', input: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] },
        'input[0].content[0].type',
        'invalid_value',
      ],
      [
        'an input part in an assistant message',
        {
          model: 'm',
          input: [{ role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }],
        },
        'input[0].content[0].type',
        'invalid_value',
      ],
      [
        'an unknown role',
        { model: 'm', input: [{ role: 'tool', content: 'x' }] },
        'input[0].role',
        'invalid_value',
      ],
      [
        'a function call output that answers no call',
        { model: 'm', input: [{ type: 'function_call_output', call_id: 'call_1', output: 'x' }] },
        'input',
        null,
      ],
      [
        'an unknown previous response',
        { model: 'm', input: 'x', previous_response_id: 'resp_unknown' },
        'previous_response_id',
        'previous_response_not_found',
      ],
      [
        'a previous response id of the wrong form',
        { model: 'm', input: 'x', previous_response_id: 'chatcmpl-1' },
        'previous_response_id',
        'invalid_value',
      ],
      [
        'max_output_tokens below 16',
        { model: 'm', input: 'x', max_output_tokens: 5 },
        'max_output_tokens',
        'integer_below_min_value',
      ],
      [
        'a chat-shaped function tool',
        { model: 'm', input: 'x', tools: [{ type: 'function', function: { name: 'f' } }] },
        'tools[0].name',
        'missing_required_parameter',
      ],
    ])('rejects %s with 400', async (_case, body, param, code) => {
      const response = await post(body);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { message: expect.any(String), type: 'invalid_request_error', param, code },
      });
    });

    it('names the unknown previous response in the message', async () => {
      const response = await post({ model: 'm', input: 'x', previous_response_id: 'resp_gone' });

      expect(await response.json()).toMatchObject({
        error: { message: "Previous response with id 'resp_gone' not found." },
      });
    });

    it('does not keep a response created with store: false, nor any after reset()', async () => {
      const unstored = await create({ model: 'm', input: 'x', store: false });
      const stored = await create({ model: 'm', input: 'x' });
      fake.reset();

      for (const id of [unstored.id, stored.id]) {
        const response = await post({ model: 'm', input: 'y', previous_response_id: id });
        expect(response.status).toBe(400);
      }
    });

    it('rejects a request without a key with 401, as the chat endpoint does', async () => {
      const response = await post({ model: 'm', input: 'x' }, null);

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        error: { type: 'invalid_request_error', message: expect.stringContaining('API key') },
      });
    });
  });
});
