// The Chat stream codec: decoding recorded upstream transcripts into hub events, encoding hub events into
// chunks an OpenAI client reads, and each through the other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { HubStreamEvent } from '../hub/hub.types';
import { ChatStreamDecoder, ChatStreamEncoder, type ChatStreamEncoderOptions } from './stream';

const transcript = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

/** The `data` of each SSE event in `text`, as the ingress's eventsource-parser hands them over. */
function sseData(text: string): string[] {
  const out: string[] = [];
  createParser({ onEvent: (event) => out.push(event.data) }).feed(text);
  return out;
}

function decodeAll(text: string): { events: HubStreamEvent[]; decoder: ChatStreamDecoder } {
  const decoder = new ChatStreamDecoder();
  return { events: sseData(text).flatMap((data) => decoder.decode(null, data)), decoder };
}

const options = (over: Partial<ChatStreamEncoderOptions> = {}): ChatStreamEncoderOptions => ({
  requestId: 'req_1',
  model: 'anthropic/claude-sonnet-4-6',
  created: 1764826451,
  includeUsage: true,
  ...over,
});

function encodeAll(events: HubStreamEvent[], opts = options()): string {
  const encoder = new ChatStreamEncoder(opts);
  return events.map((e) => encoder.encode(e)).join('') + encoder.end();
}

/** Reassembles a chunk stream the way the openai SDK's ChatCompletionStream does, for one choice. */
function accumulate(text: string) {
  const message = {
    content: '',
    reasoning: '',
    tools: [] as { id: string; name: string; args: string }[],
  };
  let finish: string | null = null;
  let usage: ChatCompletionChunk['usage'] = null;
  let done = false;
  for (const data of sseData(text)) {
    expect(done).toBe(false); // nothing after [DONE]
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data) as ChatCompletionChunk;
    expect(chunk.object).toBe('chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta as ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };
    message.content += delta.content ?? '';
    message.reasoning += delta.reasoning_content ?? '';
    for (const call of delta.tool_calls ?? []) {
      if (call.id !== undefined) {
        expect(call.index).toBe(message.tools.length); // a new call comes with the next index
        message.tools.push({ id: call.id, name: call.function?.name ?? '', args: '' });
      }
      message.tools[call.index].args += call.function?.arguments ?? '';
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  return { ...message, finish, usage, done };
}

const types = (events: HubStreamEvent[]) => events.map((e) => e.type);

describe('ChatStreamDecoder on recorded OpenAI transcripts', () => {
  it('decodes parallel tool calls into one block each, then usage, then finish', () => {
    const { events, decoder } = decodeAll(transcript('chat-stream-tool-call.txt'));
    const args = (index: number) =>
      events
        .flatMap((e) => (e.type === 'tool_arguments_delta' && e.index === index ? [e.json] : []))
        .join('');
    expect(events.filter((e) => e.type !== 'tool_arguments_delta')).toEqual([
      { type: 'start', id: 'chatcmpl-BkRA2cU8sWq4Hn1TzP6oYb9Vm3EdR', model: 'gpt-4.1-2025-04-14' },
      {
        type: 'block_start',
        index: 0,
        block: { type: 'tool_call', id: 'call_Vq3mK8pXr2TnL5wYh1cZ9sEd', name: 'get_weather' },
      },
      { type: 'block_stop', index: 0 },
      {
        type: 'block_start',
        index: 1,
        block: { type: 'tool_call', id: 'call_Jb7nR4tWq0XyM2kPz6LcA8Hf', name: 'get_weather' },
      },
      { type: 'block_stop', index: 1 },
      {
        type: 'usage',
        usage: {
          inputTokens: 2185,
          outputTokens: 51,
          cacheReadTokens: 2048,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', stopReason: 'tool_use', stopSequence: null },
    ]);
    expect(args(0)).toBe('{"location": "Paris, France"}');
    expect(args(1)).toBe('{"location": "Tokyo, Japan"}');
    expect(decoder.usage).toMatchObject({ inputTokens: 2185, outputTokens: 51 });
  });

  it('holds finish_reason until the usage chunk that follows it, and gives nothing at [DONE]', () => {
    const data = sseData(transcript('chat-stream-usage.txt'));
    const decoder = new ChatStreamDecoder();
    const perEvent = data.map((d) => decoder.decode(null, d));
    const finishChunk = data.findIndex((d) => d.includes('"finish_reason":"stop"'));
    // the finish_reason chunk closes the text block but does not finish
    expect(perEvent[finishChunk]).toEqual([{ type: 'block_stop', index: 0 }]);
    // the usage chunk (choices: []) gives usage, then finish
    expect(types(perEvent[finishChunk + 1])).toEqual(['usage', 'finish']);
    expect(perEvent.at(-1)).toEqual([]); // [DONE]
    expect(
      perEvent
        .flat()
        .filter((e) => e.type === 'text_delta')
        .map((e) => e.type === 'text_delta' && e.text)
        .join(''),
    ).toBe('Hello! How can I help you today?');
  });

  it('finishes at [DONE] when no usage comes', () => {
    const data = sseData(transcript('chat-stream-no-usage.txt'));
    const decoder = new ChatStreamDecoder();
    const perEvent = data.map((d) => decoder.decode(null, d));
    expect(perEvent.at(-1)).toEqual([
      { type: 'finish', stopReason: 'end_turn', stopSequence: null },
    ]);
    expect(decoder.usage).toBeNull();
  });

  it('decodes reasoning_content as a thinking block, and usage sent with the finish chunk', () => {
    const { events, decoder } = decodeAll(transcript('chat-stream-reasoning-tools.txt'));
    const text = (type: 'thinking_delta' | 'text_delta') =>
      events.flatMap((e) => (e.type === type ? [e.text] : [])).join('');
    expect(text('thinking_delta')).toBe(
      'The user asks about the weather in Paris and Tokyo. I can call get_weather for both in parallel.',
    );
    expect(text('text_delta')).toBe("I'll look up both cities.");
    expect(events.filter((e) => !e.type.endsWith('_delta'))).toEqual([
      { type: 'start', id: '5e9a3c1f-7b2d-4e8a-9c6f-1d3b5a7e9c2f', model: 'deepseek-reasoner' },
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'text' } },
      { type: 'block_stop', index: 1 },
      {
        type: 'block_start',
        index: 2,
        block: { type: 'tool_call', id: 'call_00_Qm8rT2vX5nB1kL7pZ3wY9cHd', name: 'get_weather' },
      },
      { type: 'block_stop', index: 2 },
      {
        type: 'block_start',
        index: 3,
        block: { type: 'tool_call', id: 'call_01_Jf4sW6yA0eR8uN2mK5tV1xGb', name: 'get_weather' },
      },
      { type: 'block_stop', index: 3 },
      {
        type: 'usage',
        usage: {
          inputTokens: 412,
          outputTokens: 96,
          cacheReadTokens: 384,
          cacheWriteTokens: 0,
          reasoningTokens: 41,
        },
      },
      { type: 'finish', stopReason: 'tool_use', stopSequence: null },
    ]);
    expect(decoder.usage?.reasoningTokens).toBe(41);
  });

  it('gives the events of each chunk at once (no buffering across chunks)', () => {
    const data = sseData(transcript('chat-stream-reasoning-tools.txt'));
    const decoder = new ChatStreamDecoder();
    expect(types(decoder.decode(null, data[0]))).toEqual(['start']);
    expect(decoder.decode(null, data[1])).toEqual([
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking_delta', index: 0, text: 'The' },
    ]);
  });
});

describe('ChatStreamDecoder edge cases', () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra = {}) =>
    JSON.stringify({
      id: 'c1',
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    });

  it('skips an Azure prompt-filter chunk before the answer', () => {
    const decoder = new ChatStreamDecoder();
    expect(
      decoder.decode(
        null,
        '{"choices":[],"id":"","model":"","prompt_filter_results":[{"prompt_index":0}]}',
      ),
    ).toEqual([]);
    expect(types(decoder.decode(null, chunk({ role: 'assistant', content: 'a' })))).toEqual([
      'start',
      'block_start',
      'text_delta',
    ]);
  });

  it('turns an error chunk into an error event and reads nothing after it', () => {
    const decoder = new ChatStreamDecoder();
    decoder.decode(null, chunk({ content: 'a' }));
    expect(
      decoder.decode(null, '{"error":{"message":"overloaded","type":"server_error"}}'),
    ).toEqual([{ type: 'error', message: 'overloaded', status: 500 }]);
    expect(decoder.decode(null, '[DONE]')).toEqual([]);
  });

  it('reads a refusal delta as text with stop reason refusal', () => {
    const decoder = new ChatStreamDecoder();
    const events = [
      chunk({ role: 'assistant', content: null, refusal: '' }),
      chunk({ refusal: "I'm sorry" }),
      chunk({}, 'stop'),
      '[DONE]',
    ].flatMap((d) => decoder.decode(null, d));
    expect(events.slice(1)).toEqual([
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: "I'm sorry" },
      { type: 'block_stop', index: 0 },
      { type: 'finish', stopReason: 'refusal', stopSequence: null },
    ]);
  });

  it('reads finish_reason length as max_tokens, and ignores non-JSON noise', () => {
    const decoder = new ChatStreamDecoder();
    const events = [chunk({ content: 'a' }), ': keep-alive', chunk({}, 'length'), '[DONE]'].flatMap(
      (d) => decoder.decode(null, d),
    );
    expect(events.at(-1)).toEqual({ type: 'finish', stopReason: 'max_tokens', stopSequence: null });
  });

  it('reads usage sent on every chunk as running totals, finishing on the one after finish_reason', () => {
    const usage = (n: number) => ({ usage: { prompt_tokens: 5, completion_tokens: n } });
    const decoder = new ChatStreamDecoder();
    const perChunk = [
      chunk({ content: 'a' }, null, usage(1)),
      chunk({ content: 'b' }, 'stop', usage(2)),
    ].map((d) => decoder.decode(null, d));
    expect(types(perChunk[0])).toEqual(['start', 'block_start', 'text_delta', 'usage']);
    expect(types(perChunk[1])).toEqual(['text_delta', 'block_stop', 'usage', 'finish']);
    expect(decoder.usage).toMatchObject({ inputTokens: 5, outputTokens: 2 });
  });

  it('gives nothing for a [DONE] without any answer', () => {
    expect(new ChatStreamDecoder().decode(null, '[DONE]')).toEqual([]);
  });
});

/** What the Anthropic Messages decoder gives for a thinking + text + tool_use answer. */
const anthropicLike: HubStreamEvent[] = [
  { type: 'start', id: 'msg_01XFDUDYJgAACzvnptvVoYEL', model: 'claude-sonnet-4-6' },
  {
    type: 'usage',
    usage: { inputTokens: 472, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 1 },
  },
  { type: 'block_start', index: 0, block: { type: 'thinking' } },
  { type: 'thinking_delta', index: 0, text: 'The user wants Paris weather. ' },
  { type: 'thinking_delta', index: 0, text: 'I will call the tool.' },
  {
    type: 'signature_delta',
    index: 0,
    signature: { issuer: 'anthropic', value: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h' },
  },
  { type: 'block_stop', index: 0 },
  { type: 'block_start', index: 1, block: { type: 'text' } },
  { type: 'text_delta', index: 1, text: 'Let me check ' },
  { type: 'text_delta', index: 1, text: 'that for you.' },
  { type: 'block_stop', index: 1 },
  {
    type: 'block_start',
    index: 2,
    block: { type: 'tool_call', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
  },
  { type: 'tool_arguments_delta', index: 2, json: '' },
  { type: 'tool_arguments_delta', index: 2, json: '{"location": "Par' },
  { type: 'tool_arguments_delta', index: 2, json: 'is, France"}' },
  { type: 'block_stop', index: 2 },
  { type: 'usage', usage: { outputTokens: 89 } },
  { type: 'finish', stopReason: 'tool_use', stopSequence: null },
];

describe('ChatStreamEncoder', () => {
  it('encodes an Anthropic-like answer as a valid chunk stream', () => {
    const text = encodeAll(anthropicLike);
    const chunks = sseData(text)
      .slice(0, -1)
      .map((d) => JSON.parse(d) as ChatCompletionChunk);
    // every chunk carries the same id, the client's model and the request time
    expect(new Set(chunks.map((c) => `${c.id} ${c.model} ${c.created}`))).toEqual(
      new Set(['chatcmpl-01XFDUDYJgAACzvnptvVoYEL anthropic/claude-sonnet-4-6 1764826451']),
    );
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const firstCall = chunks.find((c) => c.choices[0]?.delta.tool_calls);
    expect(firstCall?.choices[0]!.delta.tool_calls).toEqual([
      {
        index: 0,
        id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
    ]);
    // the finish chunk, then the usage chunk with no choices, then [DONE]
    expect(chunks.at(-2)!.choices).toEqual([
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 472,
        completion_tokens: 89,
        total_tokens: 561,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(accumulate(text)).toEqual({
      content: 'Let me check that for you.',
      reasoning: 'The user wants Paris weather. I will call the tool.',
      tools: [
        {
          id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
          name: 'get_weather',
          args: '{"location": "Paris, France"}',
        },
      ],
      finish: 'tool_calls',
      usage: expect.objectContaining({ completion_tokens: 89 }),
      done: true,
    });
  });

  it('sends no usage chunk to a client that did not ask for usage', () => {
    const text = encodeAll(anthropicLike, options({ includeUsage: false }));
    expect(text).not.toContain('"usage"');
    expect(accumulate(text)).toMatchObject({ finish: 'tool_calls', usage: null, done: true });
  });

  it('numbers parallel tool calls 0, 1, … whatever their hub block index', () => {
    const text = encodeAll([
      { type: 'start', id: 'x', model: 'm' },
      { type: 'block_start', index: 3, block: { type: 'tool_call', id: 'a', name: 'f' } },
      { type: 'tool_arguments_delta', index: 3, json: '{}' },
      { type: 'block_stop', index: 3 },
      { type: 'block_start', index: 5, block: { type: 'tool_call', id: 'b', name: 'g' } },
      { type: 'tool_arguments_delta', index: 5, json: '{"x":1}' },
      { type: 'block_stop', index: 5 },
      { type: 'finish', stopReason: 'tool_use', stopSequence: null },
    ]);
    expect(accumulate(text).tools).toEqual([
      { id: 'a', name: 'f', args: '{}' },
      { id: 'b', name: 'g', args: '{"x":1}' },
    ]);
  });

  it('ends with an OpenAI error event after a failure, and writes nothing more', () => {
    const encoder = new ChatStreamEncoder(options());
    encoder.encode({ type: 'start', id: 'x', model: 'm' });
    expect(encoder.error(429, 'Rate limit reached')).toBe(
      'data: {"error":{"message":"Rate limit reached","type":"requests","code":null,"param":null}}\n\n',
    );
    expect(encoder.encode({ type: 'text_delta', index: 0, text: 'late' })).toBe('');
    expect(encoder.end()).toBe('');
  });

  it("turns the upstream's error event into the same error event, without [DONE]", () => {
    const encoder = new ChatStreamEncoder(options());
    expect(encoder.encode({ type: 'error', message: 'Overloaded' })).toBe(
      'data: {"error":{"message":"Overloaded","type":"server_error","code":null,"param":null}}\n\n',
    );
    expect(encoder.end()).toBe('');
  });

  it('uses the request id when the upstream start has no id', () => {
    const text = encodeAll([
      { type: 'start', id: '', model: 'm' },
      { type: 'finish', stopReason: 'end_turn', stopSequence: null },
    ]);
    expect(JSON.parse(sseData(text)[0])).toMatchObject({ id: 'chatcmpl-1' });
  });
});

describe('encode then decode', () => {
  it.each([
    'chat-stream-reasoning-tools.txt',
    'chat-stream-tool-call.txt',
    'chat-stream-usage.txt',
  ])('gives back the events decoded from %s', (name) => {
    const { events } = decodeAll(transcript(name));
    const { events: again } = decodeAll(encodeAll(events));
    const [start, ...rest] = events;
    expect(again).toEqual([
      {
        type: 'start',
        id: start?.type === 'start' ? `chatcmpl-${start.id.replace(/^chatcmpl-/, '')}` : '',
        model: 'anthropic/claude-sonnet-4-6',
      },
      ...rest,
    ]);
  });

  it('without include_usage the decoder finishes at [DONE], with the same content', () => {
    const { events } = decodeAll(transcript('chat-stream-reasoning-tools.txt'));
    const { events: again } = decodeAll(encodeAll(events, options({ includeUsage: false })));
    expect(again.slice(1)).toEqual(events.slice(1).filter((e) => e.type !== 'usage'));
  });

  it('keeps an Anthropic-like answer but for its signature and with usage merged into one', () => {
    const { events } = decodeAll(encodeAll(anthropicLike));
    expect(events.slice(1)).toEqual([
      ...anthropicLike
        .slice(2, 16)
        .filter(
          (e) =>
            e.type !== 'signature_delta' && !(e.type === 'tool_arguments_delta' && e.json === ''),
        ),
      {
        type: 'usage',
        usage: { inputTokens: 472, outputTokens: 89, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      { type: 'finish', stopReason: 'tool_use', stopSequence: null },
    ]);
  });
});
