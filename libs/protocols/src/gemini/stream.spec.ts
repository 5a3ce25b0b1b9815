// Gemini streams: the decoder on a recorded SSE transcript (parsed as the ingress parses it, with
// eventsource-parser), the encoder in both framings, and the two checked against each other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import type { HubPart, HubStreamEvent } from '../hub/hub.types';
import { clientSignature } from '../hub/thought-signature';
import type { ClientContext } from '../hub/protocol-adapter';
import { GeminiStreamDecoder, GeminiStreamEncoder } from './stream';
import { geminiResponseToHub } from './to-hub';

const transcript = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const sseText = transcript('stream-generate-content.sse.txt');
const arrayText = transcript('stream-generate-content.array.txt');

/** The data of each SSE event in `text`, fed in pieces of `pieceSize` characters as a socket would. */
function sseEvents(text: string, pieceSize = text.length): string[] {
  const data: string[] = [];
  const parser = createParser({ onEvent: (event) => data.push(event.data) });
  for (let i = 0; i < text.length; i += pieceSize) parser.feed(text.slice(i, i + pieceSize));
  return data;
}

function decode(text: string, pieceSize?: number) {
  const decoder = new GeminiStreamDecoder();
  const events = sseEvents(text, pieceSize).flatMap((data) => decoder.decode(null, data));
  return { events, decoder };
}

/** The answer a client of the hub would assemble from the events (text, thinking, calls by block). */
function assemble(events: readonly HubStreamEvent[]): HubPart[] {
  const blocks = new Map<number, HubPart>();
  for (const event of events) {
    switch (event.type) {
      case 'block_start':
        if (event.block.type === 'tool_call') {
          const { id, name } = event.block;
          blocks.set(event.index, { type: 'tool_call', id, name, arguments: '' });
        } else if (event.block.type === 'text') {
          blocks.set(event.index, { type: 'text', text: '' });
        } else if (event.block.type === 'thinking') {
          blocks.set(event.index, { type: 'thinking', text: '', signature: null });
        }
        break;
      case 'text_delta':
      case 'thinking_delta': {
        const block = blocks.get(event.index);
        if (block?.type === 'text' || block?.type === 'thinking') block.text += event.text;
        break;
      }
      case 'signature_delta': {
        const block = blocks.get(event.index);
        if (block?.type === 'thinking') block.signature = event.signature;
        break;
      }
      case 'tool_arguments_delta': {
        const block = blocks.get(event.index);
        if (block?.type === 'tool_call') block.arguments += event.json;
        break;
      }
      default:
        break;
    }
  }
  return [...blocks.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
}

/** A JSON-array stream with every element replaced by `{}`: its framing alone. */
function skeleton(text: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) out += '{';
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) out += '}';
    } else if (depth === 0) out += c;
  }
  return out;
}

const chunks = sseEvents(sseText).map((data) => JSON.parse(data) as Record<string, unknown>);
const signature = (
  chunks[4] as { candidates: { content: { parts: { thoughtSignature: string }[] } }[] }
).candidates[0].content.parts[0].thoughtSignature;

describe('the recorded stream transcripts', () => {
  it('hold the same chunks in both framings: SSE with CRLF, and the JSON array', () => {
    expect(sseText).toMatch(/^(data: [^\r\n]+\r\n\r\n)+$/);
    expect(chunks).toHaveLength(6);
    expect(JSON.parse(arrayText)).toEqual(chunks);
    expect(skeleton(arrayText)).toBe(`[${Array(6).fill('{}').join('\n,\r\n')}\n]`);
  });
});

describe('GeminiStreamDecoder on the recorded SSE stream', () => {
  const id = '3a5YaLDNEpSVz7IP6Zy3oAo';

  it('gives the hub events in order: thinking, text, the signed call as a whole block, usage, finish', () => {
    const { events, decoder } = decode(sseText);
    const usage = (outputTokens: number, cacheReadTokens = 0) => ({
      type: 'usage',
      usage: { inputTokens: 187, outputTokens, cacheReadTokens, cacheWriteTokens: 0 },
    });
    expect(events).toEqual([
      { type: 'start', id, model: 'gemini-2.5-flash' },
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      {
        type: 'thinking_delta',
        index: 0,
        text: expect.stringMatching(/^\*\*Weighing the request\*\*/) as string,
      },
      usage(63),
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'text' } },
      { type: 'text_delta', index: 1, text: 'Paris is sunny' },
      usage(66),
      { type: 'text_delta', index: 1, text: ' today at 24°C, with a light breeze from the west. ' },
      usage(80),
      { type: 'text_delta', index: 1, text: "Let me check tomorrow's forecast." },
      usage(87),
      { type: 'block_stop', index: 1 },
      { type: 'block_start', index: 2, block: { type: 'thinking' } },
      { type: 'signature_delta', index: 2, signature: { issuer: 'gemini', value: signature } },
      { type: 'block_stop', index: 2 },
      {
        type: 'block_start',
        index: 3,
        block: { type: 'tool_call', id: 'call_0_get_forecast', name: 'get_forecast' },
      },
      { type: 'tool_arguments_delta', index: 3, json: '{"location":"Paris, France","days":1}' },
      { type: 'block_stop', index: 3 },
      usage(104),
      usage(104, 128),
      { type: 'finish', stopReason: 'tool_use', stopSequence: null },
    ]);
    expect(decoder.usage).toEqual({
      inputTokens: 187,
      outputTokens: 104,
      cacheReadTokens: 128,
      cacheWriteTokens: 0,
    });
  });

  it('gives the same events however the bytes are split', () => {
    expect(decode(sseText, 7).events).toEqual(decode(sseText).events);
  });

  it('assembles to what the non-stream parser makes of the same parts', () => {
    const parts = chunks.flatMap(
      (c) => (c as { candidates: { content: { parts: unknown[] } }[] }).candidates[0].content.parts,
    );
    const whole = geminiResponseToHub({
      candidates: [{ content: { parts, role: 'model' }, finishReason: 'STOP' }],
    });
    expect(assemble(decode(sseText).events)).toEqual(whole.content);
  });

  it.each<[string, Record<string, unknown>[], HubStreamEvent[]]>([
    [
      'a blocked prompt',
      [{ promptFeedback: { blockReason: 'SAFETY' }, responseId: 'r1', modelVersion: 'm' }],
      [
        { type: 'start', id: 'r1', model: 'm' },
        { type: 'finish', stopReason: 'content_filter', stopSequence: null },
      ],
    ],
    [
      'the same usage repeated (Gemini sends it with every chunk): one usage event',
      [
        {
          candidates: [{ content: { parts: [{ text: 'a' }] } }],
          usageMetadata: { promptTokenCount: 9 },
        },
        {
          candidates: [{ content: { parts: [{ text: 'b' }] } }],
          usageMetadata: { promptTokenCount: 9 },
        },
      ],
      [
        { type: 'start', id: '', model: '' },
        { type: 'block_start', index: 0, block: { type: 'text' } },
        { type: 'text_delta', index: 0, text: 'a' },
        {
          type: 'usage',
          usage: { inputTokens: 9, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
        },
        { type: 'text_delta', index: 0, text: 'b' },
      ],
    ],
    [
      'a cut by max tokens',
      [{ candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'MAX_TOKENS' }] }],
      [
        { type: 'start', id: '', model: '' },
        { type: 'block_start', index: 0, block: { type: 'text' } },
        { type: 'text_delta', index: 0, text: 'Hi' },
        { type: 'block_stop', index: 0 },
        { type: 'finish', stopReason: 'max_tokens', stopSequence: null },
      ],
    ],
    [
      'an error event in the stream',
      [
        { candidates: [{ content: { parts: [{ text: 'Hi' }] } }] },
        { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
        { candidates: [{ content: { parts: [{ text: 'ignored' }] } }] },
      ],
      [
        { type: 'start', id: '', model: '' },
        { type: 'block_start', index: 0, block: { type: 'text' } },
        { type: 'text_delta', index: 0, text: 'Hi' },
        { type: 'error', message: 'The model is overloaded.', status: 503 },
      ],
    ],
    [
      'parallel calls in one chunk, thought text with its own signature',
      [
        {
          candidates: [
            {
              content: {
                parts: [
                  { text: 'Plan', thought: true, thoughtSignature: 'c2ln' },
                  { text: 'More', thought: true },
                  { functionCall: { name: 'a', args: { x: 1 } } },
                  { functionCall: { name: 'b' } },
                ],
              },
              finishReason: 'STOP',
            },
          ],
        },
      ],
      [
        { type: 'start', id: '', model: '' },
        { type: 'block_start', index: 0, block: { type: 'thinking' } },
        { type: 'thinking_delta', index: 0, text: 'Plan' },
        { type: 'signature_delta', index: 0, signature: { issuer: 'gemini', value: 'c2ln' } },
        // A signed thinking block is complete: later thoughts open another.
        { type: 'block_stop', index: 0 },
        { type: 'block_start', index: 1, block: { type: 'thinking' } },
        { type: 'thinking_delta', index: 1, text: 'More' },
        { type: 'block_stop', index: 1 },
        { type: 'block_start', index: 2, block: { type: 'tool_call', id: 'call_0_a', name: 'a' } },
        { type: 'tool_arguments_delta', index: 2, json: '{"x":1}' },
        { type: 'block_stop', index: 2 },
        { type: 'block_start', index: 3, block: { type: 'tool_call', id: 'call_1_b', name: 'b' } },
        { type: 'tool_arguments_delta', index: 3, json: '{}' },
        { type: 'block_stop', index: 3 },
        { type: 'finish', stopReason: 'tool_use', stopSequence: null },
      ],
    ],
  ])('decodes %s', (_case, stream, expected) => {
    const decoder = new GeminiStreamDecoder();
    expect(stream.flatMap((chunk) => decoder.decode(null, JSON.stringify(chunk)))).toEqual(
      expected,
    );
  });

  it('after the finish only updates usage, and ignores data that is not JSON', () => {
    const decoder = new GeminiStreamDecoder();
    decoder.decode(null, JSON.stringify({ candidates: [{ finishReason: 'STOP' }] }));
    expect(decoder.decode(null, 'not json')).toEqual([]);
    expect(
      decoder.decode(
        null,
        JSON.stringify({ usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2 } }),
      ),
    ).toEqual([]);
    expect(decoder.usage).toEqual({
      inputTokens: 5,
      outputTokens: 2,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });
});

type GeminiChunk = { candidates: { content: { parts: unknown[] } }[] };

describe('GeminiStreamEncoder', () => {
  const ctx = (sse: boolean): ClientContext => ({ requestId: 'req_42', sse, model: 'gemini-pro' });
  const { events: recorded } = decode(sseText);

  function encode(sse: boolean, events: readonly HubStreamEvent[]) {
    const encoder = new GeminiStreamEncoder(ctx(sse));
    const pieces = events.map((event) => encoder.encode(event));
    return { pieces, body: pieces.join(''), encoder };
  }

  it('writes SSE frames that decode back to the same answer', () => {
    const { body, pieces, encoder } = encode(true, recorded);
    expect(body).toMatch(/^(data: [^\r\n]+\r\n\r\n)+$/);
    // Nothing is held back but the signature, which rides on the call after it: a chunk for the thought, each
    // of the 3 text deltas, the signed call and the finish, each written when its event arrives.
    expect(pieces.filter((p) => p !== '')).toHaveLength(6);
    expect(encoder.end()).toBe('');
    const again = decode(body).events;
    expect(assemble(again)).toEqual(assemble(recorded));
    expect(again.at(-1)).toEqual({ type: 'finish', stopReason: 'tool_use', stopSequence: null });
  });

  it('ends with a chunk carrying the finish reason and the usage, and names the client model', () => {
    const frames = sseEvents(encode(true, recorded).body).map(
      (data) => JSON.parse(data) as Record<string, unknown>,
    );
    expect(frames.at(-1)).toEqual({
      candidates: [
        { content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: 187,
        candidatesTokenCount: 104,
        totalTokenCount: 291,
        cachedContentTokenCount: 128,
      },
      modelVersion: 'gemini-pro',
      responseId: 'req_42',
    });
    expect(frames.slice(0, -1).every((f) => !('usageMetadata' in f))).toBe(true);
    expect(new Set(frames.map((f) => f.responseId))).toEqual(new Set(['req_42']));
  });

  it('writes the JSON-array stream: valid JSON once end() is appended, framed like the recorded one', () => {
    const { body, encoder } = encode(false, recorded);
    expect(body.startsWith('[{')).toBe(true);
    const full = body + encoder.end();
    const elements = JSON.parse(full) as { candidates: { content: { parts: HubPart[] } }[] }[];
    expect(elements).toHaveLength(6);
    expect(skeleton(full)).toBe(`[${Array(6).fill('{}').join('\n,\r\n')}\n]`);
    const text = elements
      .flatMap((e) => e.candidates[0].content.parts)
      .map((p) => ('text' in p && !('thought' in p) ? p.text : ''))
      .join('');
    expect(text).toBe(
      "Paris is sunny today at 24°C, with a light breeze from the west. Let me check tomorrow's forecast.",
    );
    expect(encoder.end()).toBe('');
  });

  it('emits a tool call once, whole, when its block stops', () => {
    const { pieces } = encode(true, [
      { type: 'start', id: 'msg_1', model: 'claude' },
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'toolu_9', name: 'f' } },
      { type: 'tool_arguments_delta', index: 0, json: '{"city":' },
      { type: 'tool_arguments_delta', index: 0, json: '"Paris"}' },
      { type: 'block_stop', index: 0 },
    ]);
    expect(pieces.slice(0, 4)).toEqual(['', '', '', '']);
    expect(JSON.parse(pieces[4].slice('data: '.length))).toMatchObject({
      candidates: [
        {
          content: {
            parts: [{ functionCall: { id: 'toolu_9', name: 'f', args: { city: 'Paris' } } }],
          },
        },
      ],
    });
  });

  it("puts a thought's signature on the part after it, never on the thought (Gemini CLI drops those)", () => {
    const claude = { issuer: 'anthropic', value: 'EqQBCgIYAh' } as const;
    const { pieces } = encode(true, [
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking_delta', index: 0, text: 'Need the tool.' },
      { type: 'signature_delta', index: 0, signature: claude },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'tool_call', id: 'toolu_1', name: 'f' } },
      { type: 'tool_arguments_delta', index: 1, json: '{}' },
      { type: 'block_stop', index: 1 },
      { type: 'block_start', index: 2, block: { type: 'thinking' } },
      { type: 'signature_delta', index: 2, signature: { issuer: 'gemini', value: 'RXE=' } },
      { type: 'block_stop', index: 2 },
      { type: 'finish', stopReason: 'tool_use', stopSequence: null },
    ]);
    const parts = pieces
      .filter((p) => p !== '')
      .map(
        (p) => (JSON.parse(p.slice('data: '.length)) as GeminiChunk).candidates[0].content.parts,
      );
    expect(parts).toEqual([
      [{ text: 'Need the tool.', thought: true }],
      [
        {
          functionCall: { id: 'toolu_1', name: 'f', args: {} },
          // Claude's signature relayed with the text it signs; Gemini's own one bare.
          thoughtSignature: clientSignature(claude, 'gemini', 'Need the tool.'),
        },
      ],
      [{ text: '', thoughtSignature: 'RXE=' }],
    ]);
  });

  const text: HubStreamEvent[] = [
    { type: 'start', id: 'x', model: 'm' },
    { type: 'block_start', index: 0, block: { type: 'text' } },
    { type: 'text_delta', index: 0, text: 'Hel' },
  ];
  const overloaded = '{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}';

  it.each<[string, boolean, HubStreamEvent[], string]>([
    ['SSE', true, text, `data: ${overloaded}\r\n\r\n`],
    ['the array, after chunks', false, text, `,\r\n${overloaded}\n]`],
    ['the array, before any chunk', false, [], `[${overloaded}]`],
  ])('ends %s with the error envelope', (_case, sse, events, expected) => {
    const { body, encoder } = encode(sse, events);
    const tail = encoder.error(503, 'overloaded');
    expect(tail).toBe(expected);
    if (!sse) expect(JSON.parse(body + tail)).toContainEqual(JSON.parse(overloaded));
    expect(encoder.end()).toBe('');
    expect(encoder.encode({ type: 'text_delta', index: 0, text: 'late' })).toBe('');
  });

  it('turns an upstream error event into the error envelope', () => {
    const { pieces } = encode(true, [...text, { type: 'error', message: 'upstream went away' }]);
    expect(JSON.parse(pieces.at(-1)!.slice('data: '.length))).toEqual({
      error: { code: 500, message: 'upstream went away', status: 'INTERNAL' },
    });
  });

  it('closes an array stream that sent nothing as an empty array', () => {
    expect(new GeminiStreamEncoder(ctx(false)).end()).toBe('[]');
  });
});
