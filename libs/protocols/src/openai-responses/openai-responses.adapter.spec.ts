// The openAIResponses adapter object, and the same-format pass-through on a recorded transcript.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import type { ClientContext, PassThroughRelay } from '../hub/protocol-adapter';
import { openAIResponses } from './openai-responses.adapter';

const transcript = readFileSync(join(__dirname, '__fixtures__', 'response-stream.txt'), 'utf8');

const ctx: ClientContext = {
  requestId: 'req_42',
  sse: false,
  model: 'gpt-5-mini',
  createdAt: 1700000000,
};

describe('openAIResponses.client', () => {
  it('parses a request to the hub', () => {
    expect(
      openAIResponses.client.parseRequest(
        { model: 'claude-haiku-4-5', input: 'hi', max_output_tokens: 100 },
        null,
      ),
    ).toEqual({
      ok: true,
      request: expect.objectContaining({ model: 'claude-haiku-4-5', maxTokens: 100 }),
    });
  });

  it.each<[string, unknown, string]>([
    ['an edge error (parse)', { model: 'm', input: 'x', conversation: 'conv_1' }, 'conversation'],
    [
      'state stored at OpenAI (the translation; a Responses channel serves it)',
      { model: 'm', input: 'x', previous_response_id: 'resp_1' },
      'previous_response_id',
    ],
    [
      'a deep error (the translation)',
      { model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] },
      'input[0].type',
    ],
  ])('answers %s with a 400', (_case, body, param) => {
    expect(openAIResponses.client.parseRequest(body, null)).toEqual({
      ok: false,
      error: expect.objectContaining({ status: 400, param }),
    });
  });

  it('streams as text/event-stream with the request time and the client model', () => {
    expect(openAIResponses.client.streamContentType(ctx)).toBe('text/event-stream; charset=utf-8');
    const encoder = openAIResponses.client.streamEncoder(ctx);
    const head = encoder.encode({ type: 'start', id: 'msg_9', model: 'claude' });
    expect(head).toContain('"created_at":1700000000');
    expect(head).toContain('"model":"gpt-5-mini"');
    expect(head).toContain('"id":"resp_9"');
    expect(encoder.end()).toBe('');
  });

  it('renders with the context', () => {
    const plain: ClientContext = ctx;
    expect(
      openAIResponses.client.renderResponse(
        {
          id: '',
          model: 'claude',
          content: [{ type: 'text', text: 'ok' }],
          stopReason: 'end_turn',
          stopSequence: null,
          usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
        },
        plain,
      ),
    ).toMatchObject({
      id: 'resp_42',
      model: 'gpt-5-mini',
      created_at: 1700000000,
      status: 'completed',
    });
  });
});

describe('openAIResponses.upstream', () => {
  it('authenticates with a Bearer key and posts to /v1/responses', () => {
    expect(openAIResponses.upstream.authHeaders('sk-x')).toEqual({ authorization: 'Bearer sk-x' });
    const parsed = openAIResponses.client.parseRequest(
      { model: 'a', input: 'hi', stream: true },
      null,
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    const built = openAIResponses.upstream.buildRequest(parsed.request, 'gpt-5');
    expect(built.path).toBe('/v1/responses');
    expect(JSON.parse(built.body)).toMatchObject({ model: 'gpt-5', stream: true, store: false });
  });

  it('decodes a stream with a fresh decoder each time', () => {
    const a = openAIResponses.upstream.streamDecoder();
    const b = openAIResponses.upstream.streamDecoder();
    expect(a).not.toBe(b);
    expect(a.usage).toBeNull();
  });
});

describe('openAIResponses.passThrough', () => {
  it('maps the model in place and strips the gateway extensions, adding nothing', () => {
    const built = openAIResponses.passThrough.buildRequest(
      {
        model: 'openai/gpt-5',
        input: 'hi',
        models: ['a'],
        fallbacks: ['b'],
        provider: { only: ['openai'] },
        tools: [{ type: 'web_search' }],
        store: true,
        stream: true,
      },
      'gpt-5-2025-08-07',
      true,
    );
    expect(built.path).toBe('/v1/responses');
    expect(built.body).toBe(
      '{"model":"gpt-5-2025-08-07","input":"hi","tools":[{"type":"web_search"}],"store":true,"stream":true}',
    );
  });

  it('copies a "__proto__" key as data', () => {
    const body = JSON.parse('{"model":"m","__proto__":{"polluted":true},"input":"x"}') as Record<
      string,
      unknown
    >;
    expect(openAIResponses.passThrough.buildRequest(body, 'u', false).body).toBe(
      '{"model":"u","__proto__":{"polluted":true},"input":"x"}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads usage of a non-stream response', () => {
    expect(
      openAIResponses.passThrough.usageFromResponse({
        usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 5 },
      }),
    ).toEqual({ inputTokens: 10, outputTokens: 5, cacheReadTokens: 4, cacheWriteTokens: 0 });
    expect(openAIResponses.passThrough.usageFromResponse({ output: [] })).toBeNull();
  });

  function relayAll(relay: PassThroughRelay, text: string, pieceSize = text.length): string {
    let out = '';
    const parser = createParser({ onEvent: (e) => (out += relay.push(e.event ?? null, e.data)) });
    for (let i = 0; i < text.length; i += pieceSize) parser.feed(text.slice(i, i + pieceSize));
    return out + relay.end();
  }

  it('relays the recorded stream byte for byte, reading usage from response.completed', () => {
    const relay = openAIResponses.passThrough.streamRelay(ctx);
    expect(relayAll(relay, transcript, 13)).toBe(transcript);
    expect(relay.complete).toBe(true);
    expect(relay.usage).toEqual({
      inputTokens: 1284,
      outputTokens: 173,
      cacheReadTokens: 1152,
      cacheWriteTokens: 0,
      reasoningTokens: 128,
    });
  });

  it('is not complete when the stream is cut before its terminal event', () => {
    const relay = openAIResponses.passThrough.streamRelay(ctx);
    relayAll(relay, transcript.slice(0, transcript.indexOf('event: response.completed')));
    expect(relay.complete).toBe(false);
    expect(relay.usage).toBeNull();
  });

  it.each(['response.incomplete', 'response.failed'])('is complete after %s', (type) => {
    const relay = openAIResponses.passThrough.streamRelay(ctx);
    relay.push(type, JSON.stringify({ type, sequence_number: 3, response: { status: 'x' } }));
    expect(relay.complete).toBe(true);
  });

  it.each<[string, string | null, string, string]>([
    [
      'an unnamed event',
      null,
      '{"type":"response.completed","response":{}}',
      'data: {"type":"response.completed","response":{}}\n\n',
    ],
    [
      'multi-line data',
      'response.output_text.delta',
      '{"a":\n1}',
      'event: response.output_text.delta\ndata: {"a":\ndata: 1}\n\n',
    ],
    [
      'data that is not JSON',
      'response.completed',
      'oops',
      'event: response.completed\ndata: oops\n\n',
    ],
  ])('forwards %s as it came', (_case, name, data, expected) => {
    expect(openAIResponses.passThrough.streamRelay(ctx).push(name, data)).toBe(expected);
  });
});
