// The openAIChat adapter object: its parts wired to the right functions, the context read, the pass-through.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import type { ClientContext, PassThroughRelay } from '../hub/protocol-adapter';
import { openAIChat } from './openai-chat.adapter';

const transcript = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

const ctx = (over: Partial<ClientContext> = {}): ClientContext => ({
  requestId: 'req_42',
  sse: false,
  model: 'gpt-4o',
  createdAt: 1700000000,
  ...over,
});

describe('openAIChat.client', () => {
  it('parses a request to the hub', () => {
    const result = openAIChat.client.parseRequest(
      { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 },
      null,
    );
    expect(result).toEqual({
      ok: true,
      request: expect.objectContaining({ model: 'claude-haiku-4-5', maxTokens: 10 }),
    });
  });

  it.each<[string, unknown, string | null]>([
    ['an edge error (parseChatRequest)', { model: 'm', messages: [] }, 'messages'],
    [
      'a deep error (the translation)',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'nope' }] }] },
      'messages[0].content[0].type',
    ],
  ])('answers %s with a 400', (_case, body, param) => {
    expect(openAIChat.client.parseRequest(body, null)).toEqual({
      ok: false,
      error: expect.objectContaining({ status: 400, param }),
    });
  });

  it('streams as text/event-stream', () => {
    expect(openAIChat.client.streamContentType(ctx())).toBe('text/event-stream; charset=utf-8');
  });

  it.each<[string, Partial<ClientContext>, boolean]>([
    ['asked for usage', { includeUsage: true }, true],
    ['did not ask', { includeUsage: false }, false],
    ['sent no includeUsage in its context', {}, false],
  ])('sends the usage chunk only to a client that %s', (_case, over, expected) => {
    const encoder = openAIChat.client.streamEncoder(ctx(over));
    const text =
      encoder.encode({ type: 'start', id: 'chatcmpl-1', model: 'x' }) +
      encoder.encode({ type: 'usage', usage: { inputTokens: 3, outputTokens: 4 } }) +
      encoder.encode({ type: 'finish', stopReason: 'end_turn', stopSequence: null });
    expect(text.includes('"choices":[],"usage"')).toBe(expected);
    expect(text).toContain('"created":1700000000');
  });

  it('renders with the context: the client model and the request time', () => {
    const rendered = openAIChat.client.renderResponse(
      {
        id: 'msg_1',
        model: 'claude',
        content: [{ type: 'text', text: 'ok' }],
        stopReason: 'end_turn',
        stopSequence: null,
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      ctx(),
    );
    expect(rendered).toMatchObject({ id: 'chatcmpl-1', model: 'gpt-4o', created: 1700000000 });
  });
});

describe('openAIChat.upstream', () => {
  it('authenticates with a Bearer key', () => {
    expect(openAIChat.upstream.authHeaders('sk-test')).toEqual({ authorization: 'Bearer sk-test' });
  });

  it('builds, parses and decodes Chat Completions', () => {
    const parsed = openAIChat.client.parseRequest(
      { model: 'a', messages: [{ role: 'user', content: 'hi' }], stream: true },
      null,
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    const built = openAIChat.upstream.buildRequest(parsed.request, 'gpt-5-nano');
    expect(built.path).toBe('/v1/chat/completions');
    expect(JSON.parse(built.body)).toMatchObject({
      model: 'gpt-5-nano',
      stream: true,
      stream_options: { include_usage: true },
    });
    const decoder = openAIChat.upstream.streamDecoder();
    expect(decoder.decode(null, '[DONE]')).toEqual([]);
    expect(decoder.usage).toBeNull();
  });
});

describe('openAIChat.passThrough', () => {
  it('maps the model, strips the extensions and forces stream usage', () => {
    const built = openAIChat.passThrough.buildRequest(
      {
        model: 'openai/gpt-4o-mini',
        models: ['x'],
        provider: { sort: 'price' },
        messages: [{ role: 'user', content: 'hi' }],
        seed: 7,
        stream: true,
      },
      'gpt-4o-mini',
      true,
    );
    expect(built.path).toBe('/v1/chat/completions');
    expect(built.body).toBe(
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"seed":7,"stream":true,"stream_options":{"include_usage":true}}',
    );
  });

  it('adds nothing to a non-stream request', () => {
    const built = openAIChat.passThrough.buildRequest(
      { model: 'm', messages: [{ role: 'user', content: 'hi' }], fallbacks: ['n'] },
      'u',
      false,
    );
    expect(built.body).toBe('{"model":"u","messages":[{"role":"user","content":"hi"}]}');
  });

  it('reads usage of a non-stream answer', () => {
    expect(
      openAIChat.passThrough.usageFromResponse({
        usage: { prompt_tokens: 3, completion_tokens: 2 },
      }),
    ).toEqual({ inputTokens: 3, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  function relayAll(relay: PassThroughRelay, text: string): string {
    let out = '';
    createParser({ onEvent: (e) => (out += relay.push(e.event ?? null, e.data)) }).feed(text);
    return out + relay.end();
  }

  it('relays a stream byte for byte to a client that asked for usage, and is complete at [DONE]', () => {
    const text = transcript('chat-stream-usage.txt');
    const relay = openAIChat.passThrough.streamRelay(ctx({ includeUsage: true }));
    expect(relay.complete).toBe(false);
    expect(relayAll(relay, text)).toBe(text);
    expect(relay.complete).toBe(true);
    expect(relay.usage).toEqual({
      inputTokens: 19,
      outputTokens: 10,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it('hides the usage chunk from a client that did not ask', () => {
    const text = transcript('chat-stream-usage.txt');
    const out = relayAll(openAIChat.passThrough.streamRelay(ctx({ includeUsage: false })), text);
    expect(out).not.toContain('"choices":[],');
    expect(out.length).toBeLessThan(text.length);
  });

  it('is not complete when the stream is cut before [DONE]', () => {
    const text = transcript('chat-stream-usage.txt');
    const relay = openAIChat.passThrough.streamRelay(ctx());
    relayAll(relay, text.slice(0, text.indexOf('data: [DONE]')));
    expect(relay.complete).toBe(false);
  });
});
