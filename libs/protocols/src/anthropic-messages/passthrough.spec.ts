// Anthropic on both sides: the body goes upstream with only the model mapped and the gateway's extensions
// removed; the stream comes back byte for byte with usage read out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { clientSignature } from '../hub/thought-signature';
import { anthropicMessages } from './anthropic-messages.adapter';
import { foldSystemMessages } from './passthrough';

const { passThrough } = anthropicMessages;
const fixture = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const ctx = { requestId: 'req_1', sse: true, model: 'relay-sonnet' };

function build(raw: string, upstreamModel: string): string {
  return passThrough.buildRequest(JSON.parse(raw) as Record<string, unknown>, upstreamModel, false)
    .body;
}

describe('passThrough.buildRequest', () => {
  it('sends a Claude Code request unchanged but for the model and its folded system message', () => {
    const raw = fixture('claude-code-request.json');
    const out = passThrough.buildRequest(
      JSON.parse(raw) as Record<string, unknown>,
      'claude-x',
      true,
    );
    expect(out.path).toBe('/v1/messages');
    expect(out.headers).toEqual({ 'content-type': 'application/json' });
    // Every field (cache_control, thinking, metadata) in its order; only the model and the mid-conversation
    // system message (folded into the next user turn) differ from what the client sent.
    const sent = JSON.parse(raw) as Record<string, unknown>;
    const expected = JSON.stringify({
      ...sent,
      model: 'claude-x',
      messages: foldSystemMessages(sent['messages']),
    });
    expect(out.body).toBe(expected);
    expect(out.body).not.toContain('"role":"system"');
    expect(out.body).toContain('The user switched the model to relay-sonnet.');
  });

  it('keeps unknown fields and key order, replaces the model in place, strips the extensions', () => {
    const raw =
      '{"max_tokens":1024,"models":["a"],"model":"relay","context_management":{"edits":[{"type":"clear_tool_uses_20250919"}]},' +
      '"messages":[{"role":"user","content":[{"type":"text","text":"hi \\u00e9\\ud83d\\ude00","cache_control":{"type":"ephemeral","ttl":"1h"}}]}],' +
      '"fallbacks":["b"],"provider":{"order":["x"]},"x_future":1.5,"metadata":{"user_id":"u"},"stream":true}';
    expect(build(raw, 'claude-opus-4-1')).toBe(
      '{"max_tokens":1024,"model":"claude-opus-4-1","context_management":{"edits":[{"type":"clear_tool_uses_20250919"}]},' +
        '"messages":[{"role":"user","content":[{"type":"text","text":"hi é😀","cache_control":{"type":"ephemeral","ttl":"1h"}}]}],' +
        '"x_future":1.5,"metadata":{"user_id":"u"},"stream":true}',
    );
  });

  it('copies a "__proto__" key as data instead of changing a prototype', () => {
    expect(build('{"model":"m","__proto__":{"polluted":true},"max_tokens":1}', 'u')).toBe(
      '{"model":"u","__proto__":{"polluted":true},"max_tokens":1}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops a thinking block signed by another provider (relayed), and thinking if its tool turn needs one', () => {
    const geminiSigned = clientSignature({ issuer: 'gemini', value: 'c2lnbmVk' }, 'anthropic');
    const body = {
      model: 'claude-public',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: 'list files' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: '', signature: geminiSigned },
            { type: 'tool_use', id: 'toolu_1', name: 'ls', input: {} },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a' }] },
      ],
    };
    const sent = JSON.parse(passThrough.buildRequest(body, 'claude-sonnet-4-5', false).body) as {
      messages: { content: unknown[] }[];
      thinking?: unknown;
    };
    expect(sent.messages[1].content).toEqual([
      { type: 'tool_use', id: 'toolu_1', name: 'ls', input: {} },
    ]);
    expect(sent.thinking).toBeUndefined();
  });

  it('does not change the client object', () => {
    const body = { model: 'm', models: ['x'], max_tokens: 1, messages: [] };
    const before = structuredClone(body);
    passThrough.buildRequest(body, 'u', false);
    expect(body).toEqual(before);
  });
});

describe('passThrough.usageFromResponse', () => {
  it('reads a recorded message: cache reads and writes counted in input', () => {
    expect(passThrough.usageFromResponse(JSON.parse(fixture('message-response.json')))).toEqual({
      inputTokens: 4302,
      outputTokens: 156,
      cacheReadTokens: 2806,
      cacheWriteTokens: 1024,
    });
  });

  it.each<[string, unknown]>([
    ['no usage', { id: 'msg_1' }],
    ['usage without counts', { usage: { service_tier: 'standard' } }],
    ['an error body', { type: 'error', error: { type: 'api_error', message: 'x' } }],
    ['not an object', 'oops'],
  ])('is null for %s', (_case, json) => {
    expect(passThrough.usageFromResponse(json)).toBeNull();
  });
});

describe('passThrough.streamRelay', () => {
  const transcript = fixture('message-stream.txt');

  function relay(text: string, pieceSize = text.length) {
    const r = passThrough.streamRelay(ctx);
    let out = '';
    const parser = createParser({
      onEvent: ({ event, data }) => (out += r.push(event ?? null, data)),
    });
    for (let i = 0; i < text.length; i += pieceSize) parser.feed(text.slice(i, i + pieceSize));
    return { out: out + r.end(), relay: r };
  }

  it('forwards every event byte for byte and reads the cumulative usage', () => {
    const { out, relay: r } = relay(transcript);
    expect(out).toBe(transcript);
    expect(r.usage).toEqual({
      inputTokens: 20492,
      outputTokens: 89,
      cacheReadTokens: 18944,
      cacheWriteTokens: 1536,
    });
    expect(r.complete).toBe(true);
  });

  it('gives the same bytes however the input is split', () => {
    expect(relay(transcript, 5).out).toBe(transcript);
  });

  it('reports a stream cut before message_stop, with the prompt usage of message_start', () => {
    const { relay: r } = relay(transcript.slice(0, transcript.indexOf('event: message_delta')));
    expect(r.complete).toBe(false);
    expect(r.usage).toEqual({
      inputTokens: 20492,
      outputTokens: 6,
      cacheReadTokens: 18944,
      cacheWriteTokens: 1536,
    });
  });

  it.each<[string, string | null, string, string]>([
    [
      'an error event is forwarded as is',
      'error',
      '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    ],
    [
      'data that is not JSON is forwarded as is',
      'ping',
      'keep-alive',
      'event: ping\ndata: keep-alive\n\n',
    ],
    ['an event without a name keeps none', null, '{"type":"ping"}', 'data: {"type":"ping"}\n\n'],
    [
      'multi-line data gets one data: prefix per line',
      'content_block_delta',
      '{"a":\n1}',
      'event: content_block_delta\ndata: {"a":\ndata: 1}\n\n',
    ],
  ])('%s', (_case, eventName, data, expected) => {
    expect(passThrough.streamRelay(ctx).push(eventName, data)).toBe(expected);
  });

  it('reads usage and the end from events without a name too', () => {
    const r = passThrough.streamRelay(ctx);
    r.push(
      null,
      '{"type":"message_start","message":{"usage":{"input_tokens":3,"output_tokens":1}}}',
    );
    r.push(null, '{"type":"message_delta","delta":{},"usage":{"output_tokens":9}}');
    r.push(null, '{"type":"message_stop"}');
    expect(r.usage).toEqual({
      inputTokens: 3,
      outputTokens: 9,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(r.complete).toBe(true);
    expect(r.end()).toBe('');
  });

  it('starts empty', () => {
    const r = passThrough.streamRelay(ctx);
    expect([r.usage, r.complete]).toEqual([null, false]);
  });
});

describe('foldSystemMessages', () => {
  it('should leave messages without a system role as the same array', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    expect(foldSystemMessages(messages)).toBe(messages);
  });

  it('should fold a mid-conversation system message into the next user turn', () => {
    expect(
      foldSystemMessages([
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'system', content: 'reminder' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ]),
    ).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'reminder' },
          { type: 'text', text: 'second' },
        ],
      },
    ]);
  });

  it('should append a trailing system message to the last user turn', () => {
    expect(
      foldSystemMessages([
        { role: 'user', content: 'only' },
        { role: 'system', content: [{ type: 'text', text: 'late' }] },
      ]),
    ).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'only' },
          { type: 'text', text: 'late' },
        ],
      },
    ]);
  });
});
