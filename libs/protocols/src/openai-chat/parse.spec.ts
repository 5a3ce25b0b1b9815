// Request validation against OpenAI's own 400s, and the upstream body built from a valid request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildUpstreamChatBody, chatInvalidJsonError, parseChatRequest } from './parse';
import type { ChatRequestView } from './types';

const fixture = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const hi = [{ role: 'user', content: 'hi' }];

describe('parseChatRequest: valid requests', () => {
  it.each<[string, Record<string, unknown>, Partial<ChatRequestView>]>([
    [
      'a minimal request',
      { model: 'gpt-4o', messages: hi },
      { model: 'gpt-4o', stream: false, includeUsage: false, maxTokens: null, fallbackModels: [] },
    ],
    [
      'a provider/model id, kept as sent',
      { model: 'openai/gpt-4o', messages: hi },
      { model: 'openai/gpt-4o' },
    ],
    [
      'stream: true',
      { model: 'm', messages: hi, stream: true },
      { stream: true, includeUsage: false },
    ],
    ['stream: null', { model: 'm', messages: hi, stream: null }, { stream: false }],
    [
      'a stream asking for usage',
      { model: 'm', messages: hi, stream: true, stream_options: { include_usage: true } },
      { stream: true, includeUsage: true },
    ],
    [
      'include_usage false',
      { model: 'm', messages: hi, stream: true, stream_options: { include_usage: false } },
      { includeUsage: false },
    ],
    [
      'include_usage without stream (usage comes in the response anyway)',
      { model: 'm', messages: hi, stream_options: { include_usage: true } },
      { stream: false, includeUsage: false },
    ],
    [
      'stream_options: null',
      { model: 'm', messages: hi, stream: true, stream_options: null },
      { includeUsage: false },
    ],
    ['max_tokens', { model: 'm', messages: hi, max_tokens: 256 }, { maxTokens: 256 }],
    ['max_tokens: null', { model: 'm', messages: hi, max_tokens: null }, { maxTokens: null }],
    [
      'max_completion_tokens over the legacy max_tokens',
      { model: 'm', messages: hi, max_tokens: 256, max_completion_tokens: 1024 },
      { maxTokens: 1024 },
    ],
    [
      'every role the API accepts',
      {
        model: 'm',
        messages: ['system', 'developer', 'user', 'assistant', 'tool', 'function'].map((role) => ({
          role,
        })),
      },
      { model: 'm' },
    ],
    [
      'a fallback chain from models then fallbacks, without repeats or the primary',
      { model: 'a', messages: hi, models: ['a', 'b', 'c'], fallbacks: ['c', 'd'] },
      { fallbackModels: ['b', 'c', 'd'] },
    ],
    ['models: null', { model: 'a', messages: hi, models: null }, { fallbackModels: [] }],
  ])('accepts %s', (_case, body, expected) => {
    const result = parseChatRequest(body);
    expect(result).toEqual({ ok: true, body, view: expect.objectContaining(expected) });
    // The request itself stays the client's object, not a copy: it is relayed as sent.
    expect(result.ok && result.body).toBe(body);
  });
});

describe('parseChatRequest: invalid requests (400 invalid_request_error)', () => {
  it.each<[string, unknown, string | null, string | null, string]>([
    // [case, body, param, code, message]
    [
      'an array body',
      [],
      null,
      'invalid_type',
      'Invalid type for request body: expected an object, but got an array instead.',
    ],
    [
      'a string body',
      'hello',
      null,
      'invalid_type',
      'Invalid type for request body: expected an object, but got a string instead.',
    ],
    [
      'a null body',
      null,
      null,
      'invalid_type',
      'Invalid type for request body: expected an object, but got null instead.',
    ],
    ['no model', { messages: hi }, 'model', null, 'you must provide a model parameter'],
    [
      'an empty model',
      { model: '', messages: hi },
      'model',
      null,
      'you must provide a model parameter',
    ],
    [
      'a null model',
      { model: null, messages: hi },
      'model',
      null,
      'you must provide a model parameter',
    ],
    [
      'a numeric model',
      { model: 4, messages: hi },
      'model',
      'invalid_type',
      "Invalid type for 'model': expected a string, but got an integer instead.",
    ],
    [
      'no messages',
      { model: 'm' },
      'messages',
      'missing_required_parameter',
      "Missing required parameter: 'messages'.",
    ],
    [
      'messages as a string',
      { model: 'm', messages: 'hi' },
      'messages',
      'invalid_type',
      "Invalid type for 'messages': expected an array, but got a string instead.",
    ],
    [
      'empty messages',
      { model: 'm', messages: [] },
      'messages',
      'empty_array',
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
    ],
    [
      'a message that is not an object',
      { model: 'm', messages: ['hi'] },
      'messages[0]',
      'invalid_type',
      "Invalid type for 'messages[0]': expected an object, but got a string instead.",
    ],
    [
      'a message without role',
      { model: 'm', messages: [...hi, { content: 'x' }] },
      'messages[1].role',
      'missing_required_parameter',
      "Missing required parameter: 'messages[1].role'.",
    ],
    [
      'an unknown role',
      { model: 'm', messages: [{ role: 'bot', content: 'x' }] },
      'messages[0].role',
      'invalid_value',
      "Invalid value: 'bot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
    ],
    [
      'a numeric role',
      { model: 'm', messages: [{ role: 1 }] },
      'messages[0].role',
      'invalid_type',
      "Invalid type for 'messages[0].role': expected a string, but got an integer instead.",
    ],
    [
      'stream as a string',
      { model: 'm', messages: hi, stream: 'true' },
      'stream',
      'invalid_type',
      "Invalid type for 'stream': expected a boolean, but got a string instead.",
    ],
    [
      'stream_options as a string',
      { model: 'm', messages: hi, stream: true, stream_options: 'usage' },
      'stream_options',
      'invalid_type',
      "Invalid type for 'stream_options': expected an object, but got a string instead.",
    ],
    [
      'include_usage as a string',
      { model: 'm', messages: hi, stream: true, stream_options: { include_usage: 'yes' } },
      'stream_options.include_usage',
      'invalid_type',
      "Invalid type for 'stream_options.include_usage': expected a boolean, but got a string instead.",
    ],
    [
      'max_tokens 0',
      { model: 'm', messages: hi, max_tokens: 0 },
      'max_tokens',
      'integer_below_min_value',
      "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.",
    ],
    [
      'negative max_tokens',
      { model: 'm', messages: hi, max_tokens: -5 },
      'max_tokens',
      'integer_below_min_value',
      "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -5 instead.",
    ],
    [
      'decimal max_tokens',
      { model: 'm', messages: hi, max_tokens: 1.5 },
      'max_tokens',
      'invalid_type',
      "Invalid type for 'max_tokens': expected an integer, but got a decimal number instead.",
    ],
    [
      'max_tokens as a string',
      { model: 'm', messages: hi, max_tokens: '100' },
      'max_tokens',
      'invalid_type',
      "Invalid type for 'max_tokens': expected an integer, but got a string instead.",
    ],
    [
      'max_completion_tokens 0',
      { model: 'm', messages: hi, max_completion_tokens: 0 },
      'max_completion_tokens',
      'integer_below_min_value',
      "Invalid 'max_completion_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.",
    ],
    [
      'models as a string',
      { model: 'm', messages: hi, models: 'gpt-4o' },
      'models',
      'invalid_type',
      "Invalid type for 'models': expected an array of strings, but got a string instead.",
    ],
    [
      'a non-string in models',
      { model: 'm', messages: hi, models: ['a', 1] },
      'models[1]',
      'invalid_type',
      "Invalid type for 'models[1]': expected a string, but got an integer instead.",
    ],
    [
      'fallbacks as an object',
      { model: 'm', messages: hi, fallbacks: { a: 1 } },
      'fallbacks',
      'invalid_type',
      "Invalid type for 'fallbacks': expected an array of strings, but got an object instead.",
    ],
    [
      'an empty string in fallbacks',
      { model: 'm', messages: hi, fallbacks: [''] },
      'fallbacks[0]',
      'empty_string',
      "Invalid 'fallbacks[0]': empty string. Expected a string with minimum length 1, but got an empty string instead.",
    ],
  ])('rejects %s', (_case, body, param, code, message) => {
    expect(parseChatRequest(body)).toEqual({
      ok: false,
      error: { status: 400, type: 'invalid_request_error', param, code, message },
    });
  });

  it('describes a body that is not JSON at all the way OpenAI does', () => {
    expect(chatInvalidJsonError()).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: null,
      code: null,
      message: expect.stringMatching(/^We could not parse the JSON body of your request\./),
    });
  });
});

describe('buildUpstreamChatBody', () => {
  const view = (over: Partial<ChatRequestView> = {}): ChatRequestView => ({
    model: 'm',
    stream: false,
    includeUsage: false,
    maxTokens: null,
    fallbackModels: [],
    ...over,
  });

  function build(raw: string, upstreamModel: string): string {
    const parsed = parseChatRequest(JSON.parse(raw));
    if (!parsed.ok) throw new Error(parsed.error.message);
    return buildUpstreamChatBody(parsed.body, upstreamModel, parsed.view);
  }

  it('keeps every other field in order and byte-identical, strips extensions, forces include_usage', () => {
    const out = build(fixture('chat-request-stream.json'), 'gpt-4o-mini');
    expect(out).toBe(fixture('chat-request-stream.upstream.txt').trimEnd());
  });

  it('replaces only the model, in place, and adds nothing to a non-stream request', () => {
    const out = build(
      '{"temperature":0,"model":"fast","messages":[{"role":"user","content":"x"}],"n":2}',
      'gpt-4.1-nano',
    );
    expect(out).toBe(
      '{"temperature":0,"model":"gpt-4.1-nano","messages":[{"role":"user","content":"x"}],"n":2}',
    );
  });

  it('leaves stream_options of a non-stream request alone (the upstream judges it)', () => {
    const out = build(
      '{"model":"m","messages":[{"role":"user"}],"stream_options":{"include_usage":false}}',
      'u',
    );
    expect(out).toBe(
      '{"model":"u","messages":[{"role":"user"}],"stream_options":{"include_usage":false}}',
    );
  });

  it.each([
    [
      'appends stream_options when the client sent none',
      '{"model":"m","stream":true,"messages":[{"role":"user"}]}',
      '{"model":"u","stream":true,"messages":[{"role":"user"}],"stream_options":{"include_usage":true}}',
    ],
    [
      'replaces a null stream_options in place',
      '{"model":"m","stream":true,"stream_options":null,"messages":[{"role":"user"}]}',
      '{"model":"u","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user"}]}',
    ],
    [
      'turns include_usage false into true in place, keeping the other keys',
      '{"model":"m","stream":true,"stream_options":{"include_usage":false,"x":1},"messages":[{"role":"user"}]}',
      '{"model":"u","stream":true,"stream_options":{"include_usage":true,"x":1},"messages":[{"role":"user"}]}',
    ],
  ])('%s', (_case, raw, expected) => {
    expect(build(raw, 'u')).toBe(expected);
  });

  it('copies a "__proto__" key as data instead of changing a prototype', () => {
    const out = build(
      '{"model":"m","__proto__":{"polluted":true},"messages":[{"role":"user"}]}',
      'u',
    );
    expect(out).toBe('{"model":"u","__proto__":{"polluted":true},"messages":[{"role":"user"}]}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not change the client object', () => {
    const body = {
      model: 'm',
      models: ['x'],
      stream: true,
      stream_options: { include_usage: false },
      messages: hi,
    };
    const before = structuredClone(body);
    buildUpstreamChatBody(body, 'u', view({ stream: true }));
    expect(body).toEqual(before);
  });
});
