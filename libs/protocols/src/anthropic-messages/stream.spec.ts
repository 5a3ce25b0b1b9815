// Messages streams to and from hub events, on a recorded-looking transcript parsed the way ingress parses it
// (eventsource-parser): the decoder's events and usage, the encoder re-decoded (a round trip), the encoder fed
// an OpenAI-style sequence (usage only at the end), and the mid-stream error event.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import type { HubStreamEvent } from '../hub/hub.types';
import type { ClientContext } from '../hub/protocol-adapter';
import { anthropicMessages } from './anthropic-messages.adapter';
import { anthropicStreamErrorEvent } from './errors';

const { client, upstream } = anthropicMessages;
const transcript = readFileSync(join(__dirname, '__fixtures__', 'message-stream.txt'), 'utf8');

interface SseEvent {
  event: string | null;
  data: string;
}

/** SSE text to events, fed in pieces of `pieceSize` characters as a socket would deliver it. */
function sseEvents(text: string, pieceSize = text.length): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: ({ event, data }) => events.push({ event: event ?? null, data }),
  });
  for (let i = 0; i < text.length; i += pieceSize) parser.feed(text.slice(i, i + pieceSize));
  return events;
}

function decode(text: string, pieceSize?: number) {
  const decoder = upstream.streamDecoder();
  const events = sseEvents(text, pieceSize).flatMap(({ event, data }) =>
    decoder.decode(event, data),
  );
  return { events, usage: decoder.usage };
}

function encode(events: HubStreamEvent[], ctx: ClientContext): string {
  const encoder = client.streamEncoder(ctx);
  return events.map((e) => encoder.encode(e)).join('') + encoder.end();
}

/**
 * The API's event order: message_start; blocks one at a time, indexes 0, 1, 2, ..., each started, given
 * deltas of its own kind, stopped; message_delta; message_stop. Every event's name is its data's `type`.
 */
function expectValidStream(text: string): void {
  const events = sseEvents(text).map(({ event, data }) => {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    expect(parsed.type).toBe(event);
    return parsed as { type: string; index?: number; [k: string]: unknown };
  });
  const names = events.map((e) => e.type).filter((t) => t !== 'ping');
  expect(names[0]).toBe('message_start');
  expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
  expect(names.filter((n) => n === 'message_start' || n === 'message_delta')).toHaveLength(2);
  const deltaOf: Record<string, string[]> = {
    text: ['text_delta'],
    thinking: ['thinking_delta', 'signature_delta'],
    tool_use: ['input_json_delta'],
    redacted_thinking: [],
  };
  let open: { index: number; type: string } | null = null;
  let next = 0;
  for (const e of events) {
    if (e.type === 'content_block_start') {
      expect(open).toBeNull();
      expect(e.index).toBe(next++);
      open = { index: e.index!, type: (e.content_block as { type: string }).type };
    } else if (e.type === 'content_block_delta') {
      expect(e.index).toBe(open?.index);
      expect(deltaOf[open!.type]).toContain((e.delta as { type: string }).type);
    } else if (e.type === 'content_block_stop') {
      expect(e.index).toBe(open?.index);
      open = null;
    }
  }
  expect(open).toBeNull();
}

const SIGNATURE = expect.stringMatching(/^EqMBCkgIBxABGAIqQBvG/) as string;
const recordedUsage = {
  inputTokens: 12 + 1536 + 18944,
  outputTokens: 89,
  cacheReadTokens: 18944,
  cacheWriteTokens: 1536,
};

describe('upstream.streamDecoder on a recorded stream (thinking, text, a tool call)', () => {
  const expected: HubStreamEvent[] = [
    { type: 'start', id: 'msg_01Mh4Kq2rFvT8cXbN3a9Pz7W', model: 'claude-sonnet-4-5-20250929' },
    { type: 'usage', usage: { ...recordedUsage, outputTokens: 6 } },
    { type: 'block_start', index: 0, block: { type: 'thinking' } },
    { type: 'thinking_delta', index: 0, text: 'The user asks about the weather in Paris' },
    {
      type: 'thinking_delta',
      index: 0,
      text: ', so I should call get_weather with Paris, France.',
    },
    { type: 'signature_delta', index: 0, signature: { issuer: 'anthropic', value: SIGNATURE } },
    { type: 'block_stop', index: 0 },
    { type: 'block_start', index: 1, block: { type: 'text' } },
    { type: 'text_delta', index: 1, text: 'Let me check' },
    { type: 'text_delta', index: 1, text: ' the weather in Paris for you.' },
    { type: 'block_stop', index: 1 },
    {
      type: 'block_start',
      index: 2,
      block: { type: 'tool_call', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
    },
    { type: 'tool_arguments_delta', index: 2, json: '{"location": "Par' },
    { type: 'tool_arguments_delta', index: 2, json: 'is, France", "unit": "cel' },
    { type: 'tool_arguments_delta', index: 2, json: 'sius"}' },
    { type: 'block_stop', index: 2 },
    { type: 'usage', usage: recordedUsage },
    { type: 'finish', stopReason: 'tool_use', stopSequence: null },
  ];

  it('yields the hub events, pings ignored, and the cumulative usage', () => {
    const { events, usage } = decode(transcript);
    expect(events).toEqual(expected);
    expect(usage).toEqual(recordedUsage);
  });

  it('yields the same events however the bytes are split', () => {
    expect(decode(transcript, 7).events).toEqual(expected);
  });

  it('knows the prompt usage from message_start alone (for billing a cut stream)', () => {
    const cut = transcript.slice(0, transcript.indexOf('event: content_block_stop'));
    const { events, usage } = decode(cut);
    expect(usage).toEqual({ ...recordedUsage, outputTokens: 6 });
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('is a valid stream by the checker the encoder is held to', () => {
    expectValidStream(transcript);
  });
});

describe('upstream.streamDecoder edge cases', () => {
  const start = {
    type: 'message_start',
    message: { id: 'msg_1', model: 'm', usage: { input_tokens: 10, output_tokens: 1 } },
  };

  function run(...events: Record<string, unknown>[]) {
    const decoder = upstream.streamDecoder();
    const out = events.flatMap((e) => decoder.decode(e.type as string, JSON.stringify(e)));
    return { out, usage: decoder.usage };
  }

  it('gives a tool call without arguments {} (a tool without parameters streams none)', () => {
    const { out } = run(
      start,
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 't', name: 'now', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '' },
      },
      { type: 'content_block_stop', index: 0 },
    );
    expect(out.slice(-2)).toEqual([
      { type: 'tool_arguments_delta', index: 0, json: '{}' },
      { type: 'block_stop', index: 0 },
    ]);
  });

  it('skips server tool blocks with their deltas, keeps redacted thinking', () => {
    const { out } = run(
      start,
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'redacted_thinking', data: 'Em' },
      },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"q":1}' },
      },
      { type: 'content_block_stop', index: 1 },
    );
    expect(out.slice(2)).toEqual([
      { type: 'block_start', index: 0, block: { type: 'redacted_thinking', data: 'Em' } },
      { type: 'block_stop', index: 0 },
    ]);
  });

  it('reads a stop sequence, and an old-style message_delta with only output_tokens', () => {
    const { out, usage } = run(
      start,
      {
        type: 'message_delta',
        delta: { stop_reason: 'stop_sequence', stop_sequence: '###' },
        usage: { output_tokens: 30 },
      },
      { type: 'message_stop' },
    );
    expect(usage).toEqual({
      inputTokens: 10,
      outputTokens: 30,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(out.at(-1)).toEqual({
      type: 'finish',
      stopReason: 'stop_sequence',
      stopSequence: '###',
    });
  });

  it('ends with a hub error on an error event and reads nothing after it', () => {
    const { out } = run(
      start,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      { type: 'message_stop' },
    );
    expect(out.slice(2)).toEqual([{ type: 'error', message: 'Overloaded', status: 529 }]);
  });

  it('ignores pings, unknown events and data that is not JSON', () => {
    const decoder = upstream.streamDecoder();
    expect([
      ...decoder.decode('ping', '{"type": "ping"}'),
      ...decoder.decode('future_event', '{"type":"future_event"}'),
      ...decoder.decode(null, 'keep-alive'),
    ]).toEqual([]);
    expect(decoder.usage).toBeNull();
  });
});

describe('client.streamEncoder', () => {
  const ctx: ClientContext = { requestId: 'req_7', sse: true, model: 'claude-sonnet-4-5-20250929' };

  it('is an SSE stream', () => {
    expect(client.streamContentType(ctx)).toMatch(/^text\/event-stream/);
  });

  it('round trip: its output, decoded again, gives the same events and usage', () => {
    const decoded = decode(transcript);
    const encoded = encode(decoded.events, ctx);
    expectValidStream(encoded);
    const again = decode(encoded);
    // message_start is written at once, before the upstream's usage event reaches the encoder, so the prompt
    // counts come with message_delta instead: the same totals, one usage event fewer in between.
    const withoutUsage = (events: HubStreamEvent[]) => events.filter((e) => e.type !== 'usage');
    expect(withoutUsage(again.events)).toEqual(withoutUsage(decoded.events));
    expect(again.usage).toEqual(decoded.usage);
  });

  it('writes the recorded block and delta events byte for byte', () => {
    const encoded = sseEvents(encode(decode(transcript).events, ctx));
    const recorded = sseEvents(transcript).filter(
      ({ event, data }) => event !== 'ping' && !data.includes('"partial_json":""'),
    );
    // All but message_start, whose usage the encoder cannot know yet (see the round trip).
    expect(encoded.slice(1)).toEqual(recorded.slice(1));
    expect(JSON.parse(encoded[0].data)).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_01Mh4Kq2rFvT8cXbN3a9Pz7W',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 0,
        },
      },
    });
  });

  it('turns an OpenAI-style sequence (usage only at the end) into the API event order', () => {
    const openAIStyle: HubStreamEvent[] = [
      { type: 'start', id: 'chatcmpl-B9xk', model: 'gpt-4.1-2025-04-14' },
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking_delta', index: 0, text: 'Two cities.' },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'text' } },
      { type: 'text_delta', index: 1, text: 'Checking both.' },
      // no block_stop: the encoder closes a block when the next starts
      {
        type: 'block_start',
        index: 2,
        block: { type: 'tool_call', id: 'call_a', name: 'get_weather' },
      },
      { type: 'tool_arguments_delta', index: 2, json: '{"location":' },
      { type: 'tool_arguments_delta', index: 2, json: '"Paris"}' },
      {
        type: 'block_start',
        index: 3,
        block: { type: 'tool_call', id: 'call_b', name: 'get_weather' },
      },
      { type: 'tool_arguments_delta', index: 3, json: '{"location":"Tokyo"}' },
      { type: 'block_stop', index: 3 },
      {
        type: 'usage',
        usage: { inputTokens: 2185, outputTokens: 51, cacheReadTokens: 2048, cacheWriteTokens: 0 },
      },
      { type: 'finish', stopReason: 'tool_use', stopSequence: null },
    ];
    const encoded = encode(openAIStyle, { ...ctx, model: 'relay-smart' });
    expectValidStream(encoded);
    const events = sseEvents(encoded).map(
      ({ data }) => JSON.parse(data) as Record<string, unknown>,
    );
    expect(events.map((e) => [e.type, e.index])).toEqual([
      ['message_start', undefined],
      ['content_block_start', 0],
      ['content_block_delta', 0],
      ['content_block_stop', 0],
      ['content_block_start', 1],
      ['content_block_delta', 1],
      ['content_block_stop', 1],
      ['content_block_start', 2],
      ['content_block_delta', 2],
      ['content_block_delta', 2],
      ['content_block_stop', 2],
      ['content_block_start', 3],
      ['content_block_delta', 3],
      ['content_block_stop', 3],
      ['message_delta', undefined],
      ['message_stop', undefined],
    ]);
    expect(events[0]).toMatchObject({
      message: {
        id: 'msg_B9xk',
        model: 'relay-smart',
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        input_tokens: 137,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 2048,
        output_tokens: 51,
      },
    });
    // What an Anthropic client reassembles: the calls' arguments and the full usage.
    const again = decode(encoded);
    const args = (i: number) =>
      again.events
        .flatMap((e) => (e.type === 'tool_arguments_delta' && e.index === i ? [e.json] : []))
        .join('');
    expect([JSON.parse(args(2)), JSON.parse(args(3))]).toEqual([
      { location: 'Paris' },
      { location: 'Tokyo' },
    ]);
    expect(again.usage).toEqual({
      inputTokens: 2185,
      outputTokens: 51,
      cacheReadTokens: 2048,
      cacheWriteTokens: 0,
    });
  });

  it('opens a block for text that arrives without one, and ends an unfinished stream as end_turn', () => {
    const encoded = encode(
      [
        { type: 'start', id: '', model: '' },
        { type: 'text_delta', index: 5, text: 'Hi' },
      ],
      ctx,
    );
    expectValidStream(encoded);
    const events = sseEvents(encoded).map(
      ({ data }) => JSON.parse(data) as Record<string, unknown>,
    );
    expect(events[0]).toMatchObject({ message: { id: 'msg_7' } });
    expect(events[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    expect(events.at(-2)).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
    });
  });

  it('reports the stop sequence and the refusal of a content filter', () => {
    const finish = (stopReason: 'stop_sequence' | 'content_filter') =>
      sseEvents(encode([{ type: 'finish', stopReason, stopSequence: 'END' }], ctx))
        .map(({ data }) => JSON.parse(data) as { type: string; delta?: unknown })
        .find((e) => e.type === 'message_delta')?.delta;
    expect(finish('stop_sequence')).toEqual({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
    expect(finish('content_filter')).toEqual({ stop_reason: 'refusal', stop_sequence: null });
  });

  it('ends a stream cut mid-way with the error event, and writes nothing after it', () => {
    const encoder = client.streamEncoder(ctx);
    const head =
      encoder.encode({ type: 'start', id: 'msg_1', model: 'm' }) +
      encoder.encode({ type: 'block_start', index: 0, block: { type: 'text' } }) +
      encoder.encode({ type: 'text_delta', index: 0, text: 'Hel' });
    expect(head).toContain('event: content_block_delta');
    expect(encoder.error(529, 'Overloaded')).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
    expect(encoder.encode({ type: 'text_delta', index: 0, text: 'lo' })).toBe('');
    expect(encoder.end()).toBe('');
    expect(encoder.error(500, 'again')).toBe('');
  });

  it("relays an upstream's error event as an api_error", () => {
    const encoder = client.streamEncoder(ctx);
    encoder.encode({ type: 'start', id: 'msg_1', model: 'm' });
    expect(encoder.encode({ type: 'error', message: 'upstream went away' })).toBe(
      anthropicStreamErrorEvent(500, 'upstream went away'),
    );
    expect(encoder.end()).toBe('');
  });
});

describe('stream errors keep their kind across formats', () => {
  it('an overloaded Anthropic stream reaches an Anthropic client as overloaded_error', () => {
    const encoder = anthropicMessages.client.streamEncoder({
      requestId: 'r',
      sse: true,
      model: 'm',
    });
    const out = encoder.encode({ type: 'error', message: 'Overloaded', status: 529 });
    expect(out).toContain('"type":"overloaded_error"');
  });
});
