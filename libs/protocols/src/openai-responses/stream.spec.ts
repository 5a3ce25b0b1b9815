// The Responses stream codec: decoding a recorded upstream transcript into hub events, encoding hub events into
// the event sequence an OpenAI client replays, and each through the other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import type {
  Response,
  ResponseOutputItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { HubPart, HubStreamEvent } from '../hub/hub.types';
import type { ClientContext } from '../hub/protocol-adapter';
import { readClientSignature } from '../hub/thought-signature';
import { renderResponse } from './from-hub';
import { ResponsesStreamDecoder, ResponsesStreamEncoder } from './stream';
import { responseToHub } from './to-hub';
import type { ResponsesStreamEvent } from './types';

// Compile-time: every event the encoder writes is one of the SDK's stream event types (those carrying a whole
// response are checked through the response type in from-hub.spec.ts).
type Written = Exclude<ResponsesStreamEvent, { response: unknown }> & { sequence_number: number };
const _conforms = (event: Written): ResponseStreamEvent => event;

const transcript = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

function sseEvents(text: string): { event: string | null; data: string }[] {
  const out: { event: string | null; data: string }[] = [];
  createParser({ onEvent: (e) => out.push({ event: e.event ?? null, data: e.data }) }).feed(text);
  return out;
}

function decodeAll(text: string) {
  const decoder = new ResponsesStreamDecoder();
  const events = sseEvents(text).flatMap(({ event, data }) => decoder.decode(event, data));
  return { events, decoder };
}

function encodeAll(events: HubStreamEvent[]): string {
  const encoder = new ResponsesStreamEncoder({
    requestId: 'req_1',
    model: 'anthropic/claude-sonnet-4-6',
    createdAt: 1764826451,
  });
  return events.map((e) => encoder.encode(e)).join('') + encoder.end();
}

/** The hub content a stream of hub events adds up to (the way an encoder downstream would rebuild it). */
function assemble(events: HubStreamEvent[]): HubPart[] {
  const blocks = new Map<number, HubPart>();
  for (const e of events) {
    if (e.type === 'block_start') {
      const b = e.block;
      blocks.set(
        e.index,
        b.type === 'tool_call'
          ? { type: 'tool_call', id: b.id, name: b.name, arguments: '' }
          : b.type === 'thinking'
            ? { type: 'thinking', text: '', signature: null }
            : { type: 'text', text: '' },
      );
    }
    const part = 'index' in e ? blocks.get(e.index) : undefined;
    if (e.type === 'text_delta' && part?.type === 'text') part.text += e.text;
    if (e.type === 'thinking_delta' && part?.type === 'thinking') part.text += e.text;
    if (e.type === 'tool_arguments_delta' && part?.type === 'tool_call') part.arguments += e.json;
    if (e.type === 'signature_delta' && part?.type === 'thinking') part.signature = e.signature;
  }
  return [...blocks.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
}

/**
 * Replays an encoded stream like the openai SDK's ResponseStream accumulator, failing on anything it would
 * reject: events out of sequence, deltas for items or parts never added, `event:` names that are not the type.
 * Returns the snapshot it built, the final response and the event types.
 */
function replay(text: string) {
  const types: string[] = [];
  let snapshot: Response | null = null;
  let final: Response | null = null;
  const open = new Set<number>();
  for (const [i, { event, data }] of sseEvents(text).entries()) {
    const parsed = JSON.parse(data) as ResponseStreamEvent;
    expect(event).toBe(parsed.type);
    expect(parsed.sequence_number).toBe(i);
    types.push(parsed.type);
    if (parsed.type === 'response.created') {
      expect(i).toBe(0);
      snapshot = structuredClone(parsed.response);
      continue;
    }
    if (snapshot === null) throw new Error(`${parsed.type} before response.created`);
    const item = (index: number): ResponseOutputItem => {
      const found = snapshot!.output[index];
      if (!found) throw new Error(`no output item ${index} for ${parsed.type}`);
      expect(open.has(index)).toBe(true);
      return found;
    };
    switch (parsed.type) {
      case 'response.output_item.added':
        expect(parsed.output_index).toBe(snapshot.output.length);
        snapshot.output.push(structuredClone(parsed.item));
        open.add(parsed.output_index);
        break;
      case 'response.content_part.added': {
        const it = item(parsed.output_index);
        if (it.type !== 'message') throw new Error('content part on a non-message');
        expect(parsed.item_id).toBe(it.id);
        expect(parsed.content_index).toBe(it.content.length);
        it.content.push(structuredClone(parsed.part) as (typeof it.content)[number]);
        break;
      }
      case 'response.output_text.delta': {
        const it = item(parsed.output_index);
        const part = it.type === 'message' ? it.content[parsed.content_index] : undefined;
        if (part?.type !== 'output_text') throw new Error('text delta without an output_text part');
        part.text += parsed.delta;
        break;
      }
      case 'response.output_text.done': {
        const it = item(parsed.output_index);
        const part = it.type === 'message' ? it.content[parsed.content_index] : undefined;
        expect(part?.type === 'output_text' && part.text).toBe(parsed.text);
        break;
      }
      case 'response.reasoning_summary_part.added': {
        const it = item(parsed.output_index);
        if (it.type !== 'reasoning') throw new Error('summary part on a non-reasoning item');
        expect(parsed.summary_index).toBe(it.summary.length);
        it.summary.push(structuredClone(parsed.part));
        break;
      }
      case 'response.reasoning_summary_text.delta': {
        const it = item(parsed.output_index);
        const part = it.type === 'reasoning' ? it.summary[parsed.summary_index] : undefined;
        if (!part) throw new Error('summary delta without a summary part');
        part.text += parsed.delta;
        break;
      }
      case 'response.function_call_arguments.delta': {
        const it = item(parsed.output_index);
        if (it.type !== 'function_call') throw new Error('arguments delta on a non-call');
        expect(parsed.item_id).toBe(it.id);
        it.arguments += parsed.delta;
        break;
      }
      case 'response.function_call_arguments.done': {
        const it = item(parsed.output_index);
        expect(it.type === 'function_call' && it.arguments).toBe(parsed.arguments);
        break;
      }
      case 'response.output_item.done': {
        const it = item(parsed.output_index);
        // the done item is what the deltas built, now completed; a reasoning item's encrypted content comes
        // (or changes) only here, as in the recorded transcript
        const built: unknown = {
          ...it,
          ...('status' in it ? { status: 'completed' } : {}),
          ...('encrypted_content' in parsed.item
            ? { encrypted_content: parsed.item.encrypted_content }
            : {}),
        };
        expect(parsed.item).toEqual(built);
        snapshot.output[parsed.output_index] = structuredClone(parsed.item);
        open.delete(parsed.output_index);
        break;
      }
      case 'response.completed':
      case 'response.incomplete':
        expect(open.size).toBe(0);
        expect(parsed.response.output).toEqual(snapshot.output);
        final = parsed.response;
        break;
      default:
        break;
    }
  }
  return { types, snapshot, final };
}

describe('ResponsesStreamDecoder on a recorded transcript', () => {
  const text = transcript('response-stream.txt');

  it('decodes reasoning, text and a function call into blocks, then usage and finish', () => {
    const { events, decoder } = decodeAll(text);
    expect(events.filter((e) => !e.type.endsWith('_delta'))).toEqual([
      {
        type: 'start',
        id: 'resp_0a1c3f5e7b9d2468013579bdf2468ace13579bdf2468ace1',
        model: 'gpt-5-mini-2025-08-07',
      },
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'text' } },
      { type: 'block_stop', index: 1 },
      {
        type: 'block_start',
        index: 2,
        block: { type: 'tool_call', id: 'call_Xk3pL9mQ2vR7tY1wZ5nB8cDf', name: 'get_weather' },
      },
      { type: 'block_stop', index: 2 },
      {
        type: 'usage',
        usage: {
          inputTokens: 1284,
          outputTokens: 173,
          cacheReadTokens: 1152,
          cacheWriteTokens: 0,
          reasoningTokens: 128,
        },
      },
      { type: 'finish', stopReason: 'tool_use', stopSequence: null },
    ]);
    expect(decoder.usage).toMatchObject({ inputTokens: 1284, reasoningTokens: 128 });
  });

  it('adds up to the same content as the non-stream response of the same answer', () => {
    const { events } = decodeAll(text);
    const recorded = responseToHub(
      JSON.parse(
        readFileSync(join(__dirname, '__fixtures__', 'response-reasoning-tool.json'), 'utf8'),
      ),
    );
    expect(assemble(events)).toEqual(recorded.content);
  });

  it("gives each event's hub events at once", () => {
    const events = sseEvents(text);
    const decoder = new ResponsesStreamDecoder();
    const per = events.map(({ event, data }) => decoder.decode(event, data));
    const firstDelta = events.findIndex((e) => e.event === 'response.reasoning_summary_text.delta');
    expect(per[firstDelta]).toEqual([{ type: 'thinking_delta', index: 0, text: '**Planning' }]);
    const secondPart = events.findIndex((e) => e.data.includes('"summary_index":1'));
    expect(per[secondPart]).toEqual([{ type: 'thinking_delta', index: 0, text: '\n\n' }]);
    expect(per[1]).toEqual([]); // response.in_progress
  });
});

describe('ResponsesStreamDecoder edge cases', () => {
  const decode = (events: Record<string, unknown>[]) => {
    const decoder = new ResponsesStreamDecoder();
    return events.flatMap((e) => decoder.decode(String(e.type), JSON.stringify(e)));
  };
  const created = {
    type: 'response.created',
    response: { id: 'resp_1', model: 'm', status: 'in_progress' },
  };

  it('turns response.failed into an error event', () => {
    expect(
      decode([
        created,
        {
          type: 'response.failed',
          response: {
            id: 'resp_1',
            status: 'failed',
            error: { code: 'server_error', message: 'The model crashed.' },
          },
        },
      ]).slice(1),
    ).toEqual([{ type: 'error', message: 'The model crashed.', status: 500 }]);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      'the documented flat shape',
      { type: 'error', code: 'rate_limit_exceeded', message: 'Slow down.', param: null },
    ],
    [
      'the nested shape the API sends',
      { type: 'error', error: { type: 'too_many_requests', message: 'Slow down.' } },
    ],
  ])('turns an error event in %s into an error event', (_case, event) => {
    expect(decode([created, event]).slice(1)).toEqual([
      { type: 'error', message: 'Slow down.', status: 429 },
    ]);
  });

  it('reads an incomplete response as max_tokens, closing the open text block first', () => {
    const events = decode([
      created,
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'msg_1', type: 'message', content: [] },
      },
      {
        type: 'response.content_part.added',
        output_index: 0,
        content_index: 0,
        part: { type: 'output_text', text: '' },
      },
      { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Once upon' },
      {
        type: 'response.incomplete',
        response: {
          status: 'incomplete',
          incomplete_details: { reason: 'max_output_tokens' },
          usage: { input_tokens: 5, output_tokens: 16 },
        },
      },
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Once upon' },
      { type: 'block_stop', index: 0 },
      {
        type: 'usage',
        usage: { inputTokens: 5, outputTokens: 16, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      { type: 'finish', stopReason: 'max_tokens', stopSequence: null },
    ]);
  });

  it('takes arguments that come whole (no deltas) from the done event, once', () => {
    const item = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '' };
    const events = decode([
      created,
      { type: 'response.output_item.added', output_index: 0, item },
      { type: 'response.function_call_arguments.done', output_index: 0, arguments: '{"a":1}' },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: { ...item, arguments: '{"a":1}' },
      },
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_1', name: 'f' } },
      { type: 'tool_arguments_delta', index: 0, json: '{"a":1}' },
      { type: 'block_stop', index: 0 },
    ]);
  });

  it('reads a refusal part as text with stop reason refusal', () => {
    const events = decode([
      created,
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'msg_1', type: 'message', content: [] },
      },
      {
        type: 'response.content_part.added',
        output_index: 0,
        content_index: 0,
        part: { type: 'refusal', refusal: '' },
      },
      { type: 'response.refusal.delta', output_index: 0, content_index: 0, delta: 'No.' },
      {
        type: 'response.content_part.done',
        output_index: 0,
        content_index: 0,
        part: { type: 'refusal', refusal: 'No.' },
      },
      { type: 'response.completed', response: { status: 'completed' } },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', stopReason: 'refusal', stopSequence: null });
    expect(assemble(events)).toEqual([{ type: 'text', text: 'No.' }]);
  });

  it('gives no block for reasoning without summaries, and ignores built-in tool events', () => {
    const events = decode([
      created,
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'rs_1', type: 'reasoning', summary: [] },
      },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: { id: 'rs_1', type: 'reasoning', summary: [] },
      },
      { type: 'response.web_search_call.searching', output_index: 1, item_id: 'ws_1' },
      { type: 'keepalive' },
      { type: 'response.completed', response: { status: 'completed' } },
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'finish', stopReason: 'end_turn', stopSequence: null },
    ]);
  });

  it('reads nothing after the terminal event', () => {
    const decoder = new ResponsesStreamDecoder();
    decoder.decode(null, JSON.stringify(created));
    decoder.decode(
      null,
      JSON.stringify({ type: 'response.completed', response: { status: 'completed' } }),
    );
    expect(decoder.decode(null, JSON.stringify({ type: 'error', message: 'late' }))).toEqual([]);
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

describe('ResponsesStreamEncoder', () => {
  it('encodes an Anthropic-like answer as the Responses event sequence', () => {
    const { types, final } = replay(encodeAll(anthropicLike));
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    // Claude's signature, relayed in `encrypted_content` with the text it signs, so Codex can send it back.
    const reasoning = final!.output[0] as { encrypted_content?: string };
    expect(readClientSignature(reasoning.encrypted_content, 'openai')).toEqual({
      signature: { issuer: 'anthropic', value: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h' },
      thinking: 'The user wants Paris weather. I will call the tool.',
    });
    expect(final).toMatchObject({
      id: 'resp_01XFDUDYJgAACzvnptvVoYEL',
      status: 'completed',
      model: 'anthropic/claude-sonnet-4-6',
      created_at: 1764826451,
      output: [
        {
          id: 'rs_01XFDUDYJgAACzvnptvVoYEL_0',
          type: 'reasoning',
          summary: [
            { type: 'summary_text', text: 'The user wants Paris weather. I will call the tool.' },
          ],
          encrypted_content: expect.any(String) as string,
        },
        {
          id: 'msg_01XFDUDYJgAACzvnptvVoYEL_1',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [
            {
              type: 'output_text',
              text: 'Let me check that for you.',
              annotations: [],
              logprobs: [],
            },
          ],
        },
        {
          id: 'fc_01XFDUDYJgAACzvnptvVoYEL_2',
          type: 'function_call',
          status: 'completed',
          call_id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
          name: 'get_weather',
          arguments: '{"location": "Paris, France"}',
        },
      ],
      usage: {
        input_tokens: 472,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        output_tokens: 89,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 561,
      },
    });
  });

  it('ends with the output the non-stream renderer gives for the same answer', () => {
    const ctx: ClientContext = {
      requestId: 'req_1',
      sse: false,
      model: 'anthropic/claude-sonnet-4-6',
      createdAt: 1764826451,
    };
    const { final } = replay(encodeAll(anthropicLike));
    const rendered = renderResponse(
      {
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        model: 'claude-sonnet-4-6',
        content: assemble(anthropicLike),
        stopReason: 'tool_use',
        stopSequence: null,
        usage: { inputTokens: 472, outputTokens: 89, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      ctx,
    );
    expect(final).toEqual(rendered);
  });

  it('ends a response cut by max_tokens with response.incomplete', () => {
    const { types, final } = replay(
      encodeAll([
        { type: 'start', id: 'msg_1', model: 'm' },
        { type: 'block_start', index: 0, block: { type: 'text' } },
        { type: 'text_delta', index: 0, text: 'Once upon a' },
        { type: 'block_stop', index: 0 },
        { type: 'finish', stopReason: 'max_tokens', stopSequence: null },
      ]),
    );
    expect(types.at(-1)).toBe('response.incomplete');
    expect(final).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });

  it('closes blocks left open at finish, so the final response is complete', () => {
    const { final } = replay(
      encodeAll([
        { type: 'start', id: 'msg_1', model: 'm' },
        { type: 'block_start', index: 0, block: { type: 'text' } },
        { type: 'text_delta', index: 0, text: 'Hi' },
        { type: 'finish', stopReason: 'end_turn', stopSequence: null },
      ]),
    );
    expect(final?.output).toEqual([
      expect.objectContaining({
        status: 'completed',
        content: [expect.objectContaining({ text: 'Hi' })],
      }),
    ]);
  });

  it('skips redacted thinking and signatures', () => {
    const { types } = replay(
      encodeAll([
        { type: 'start', id: 'msg_1', model: 'm' },
        {
          type: 'block_start',
          index: 0,
          block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy3' },
        },
        { type: 'block_stop', index: 0 },
        { type: 'finish', stopReason: 'end_turn', stopSequence: null },
      ]),
    );
    expect(types).toEqual(['response.created', 'response.in_progress', 'response.completed']);
  });

  it('ends with an error event in both the documented and the SDK-raising shape', () => {
    const encoder = new ResponsesStreamEncoder({ requestId: 'r', model: 'm', createdAt: 1 });
    const head = encoder.encode({ type: 'start', id: 'msg_1', model: 'm' });
    expect(sseEvents(head)).toHaveLength(2);
    expect(encoder.error(504, 'The upstream timed out.')).toBe(
      'event: error\ndata: {"type":"error","sequence_number":2,"code":"server_error","message":"The upstream timed out.","param":null,' +
        '"error":{"type":"server_error","code":"server_error","message":"The upstream timed out.","param":null}}\n\n',
    );
    expect(encoder.encode({ type: 'finish', stopReason: 'end_turn', stopSequence: null })).toBe('');
    expect(encoder.error(500, 'again')).toBe('');
  });

  it.each<[number, string, string | null]>([
    [429, 'requests', 'rate_limit_exceeded'],
    [400, 'invalid_request_error', null],
  ])('gives status %i the error type %s and code %p', (status, type, code) => {
    const encoder = new ResponsesStreamEncoder({ requestId: 'r', model: 'm', createdAt: 1 });
    const [event] = sseEvents(encoder.error(status, 'x'));
    expect(JSON.parse(event.data)).toMatchObject({ type: 'error', code, error: { type, code } });
  });

  it("writes the upstream's error event as an error event", () => {
    const encoder = new ResponsesStreamEncoder({ requestId: 'r', model: 'm', createdAt: 1 });
    encoder.encode({ type: 'start', id: 'x', model: 'm' });
    const [event] = sseEvents(encoder.encode({ type: 'error', message: 'Overloaded' }));
    expect(event?.event).toBe('error');
    expect(JSON.parse(event.data)).toMatchObject({ message: 'Overloaded', sequence_number: 2 });
  });
});

describe('encode then decode', () => {
  it('gives back the events decoded from the recorded transcript', () => {
    const { events } = decodeAll(transcript('response-stream.txt'));
    const { events: again } = decodeAll(encodeAll(events));
    const [start, ...rest] = events;
    expect(again).toEqual([{ ...start, model: 'anthropic/claude-sonnet-4-6' }, ...rest]);
  });

  it('keeps an Anthropic-like answer, its signature relayed as encrypted content, usage merged into one', () => {
    const { events } = decodeAll(encodeAll(anthropicLike));
    expect(events).toEqual([
      { type: 'start', id: 'resp_01XFDUDYJgAACzvnptvVoYEL', model: 'anthropic/claude-sonnet-4-6' },
      ...anthropicLike
        .slice(2, 16)
        .filter((e) => !(e.type === 'tool_arguments_delta' && e.json === ''))
        .map((e) =>
          e.type === 'signature_delta'
            ? { ...e, signature: { issuer: 'openai', value: expect.any(String) as string } }
            : e,
        ),
      {
        type: 'usage',
        usage: {
          inputTokens: 472,
          outputTokens: 89,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', stopReason: 'tool_use', stopSequence: null },
    ]);
  });
});
