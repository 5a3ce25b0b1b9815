// Chat Completions to the hub: a full client request, the 400s of the deep walk, and upstream answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { HubRequest, HubResponse } from '../hub/hub.types';
import { parseChatRequest } from './parse';
import { UpstreamResponseError } from '../openai-base/to-hub';
import { chatCompletionToHub, chatRequestToHub } from './to-hub';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));

function toHub(body: unknown) {
  const parsed = parseChatRequest(body);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return chatRequestToHub(parsed.body, parsed.view);
}

function hubOf(body: unknown): HubRequest {
  const result = toHub(body);
  if (!result.ok) throw new Error(result.error.message);
  return result.request;
}

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('chatRequestToHub on a full conversation', () => {
  const hub = hubOf(fixture('chat-request-tools.json'));

  it('joins the leading system and developer messages into the system prompt', () => {
    expect(hub.system).toBe('You are a weather assistant.\n\nUse metric units.');
  });

  it('keeps text, base64 and URL images, tool calls, merged tool results and a late system message', () => {
    expect(hub.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: "What's the weather in Paris and Tokyo? Here is my sketch." },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } },
          {
            type: 'image',
            source: {
              kind: 'url',
              url: 'https://upload.wikimedia.org/wikipedia/commons/a/a8/Tour_Eiffel_Wikimedia_Commons.jpg',
            },
          },
        ],
      },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_call',
            id: 'call_Vq3mK8pXr2TnL5wYh1cZ9sEd',
            name: 'get_weather',
            arguments: '{"location":"Paris, France"}',
          },
          {
            type: 'tool_call',
            id: 'call_Jb7nR4tWq0XyM2kPz6LcA8Hf',
            name: 'get_weather',
            arguments: '{"location":"Tokyo, Japan"}',
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'call_Vq3mK8pXr2TnL5wYh1cZ9sEd',
            name: 'get_weather',
            content: [{ type: 'text', text: '{"temp_c":18,"sky":"cloudy"}' }],
            isError: false,
          },
          {
            type: 'tool_result',
            toolCallId: 'call_Jb7nR4tWq0XyM2kPz6LcA8Hf',
            name: 'get_weather',
            content: [{ type: 'text', text: '{"temp_c":24,"sky":"clear"}' }],
            isError: false,
          },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Paris: 18 °C, cloudy. Tokyo: 24 °C, clear.' }],
      },
      {
        role: 'system',
        content: [{ type: 'text', text: 'The user is on a mobile device: keep it short.' }],
      },
      { role: 'user', content: [{ type: 'text', text: 'Which one is warmer?' }] },
    ]);
  });

  it('reads tools, sampling, limits, reasoning, structured output and the end user', () => {
    const { system: _s, messages: _m, ...rest } = hub;
    expect(rest).toEqual({
      model: 'claude-sonnet-4-6',
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: {
            type: 'object',
            properties: { location: { type: 'string', description: 'City and country' } },
            required: ['location'],
            additionalProperties: false,
          },
        },
      ],
      toolChoice: 'auto',
      maxTokens: 1024, // max_completion_tokens over max_tokens
      temperature: 0.3,
      topP: 0.9,
      topK: null,
      stop: ['\n\nUser:'],
      stream: true,
      reasoning: { effort: 'medium', budgetTokens: null },
      responseFormat: {
        type: 'json_schema',
        name: 'answer',
        schema: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
          additionalProperties: false,
        },
      },
      parallelToolCalls: true,
      user: 'user-1234',
    });
  });
});

describe('chatRequestToHub on single fields', () => {
  const hi = [{ role: 'user', content: 'hi' }];
  it.each<[string, Record<string, unknown>, Partial<HubRequest>]>([
    [
      'no optional field',
      {},
      { system: null, tools: [], toolChoice: null, stop: [], reasoning: null },
    ],
    ['a stop string', { stop: 'END' }, { stop: ['END'] }],
    ['tool_choice none', { tool_choice: 'none' }, { toolChoice: 'none' }],
    ['tool_choice required', { tool_choice: 'required' }, { toolChoice: 'required' }],
    [
      'a named function',
      { tool_choice: { type: 'function', function: { name: 'get_weather' } } },
      { toolChoice: { name: 'get_weather' } },
    ],
    [
      'allowed_tools keeps its mode',
      { tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [] } } },
      { toolChoice: 'required' },
    ],
    ['reasoning_effort none', { reasoning_effort: 'none' }, { reasoning: null }],
    [
      'reasoning_effort xhigh',
      { reasoning_effort: 'xhigh' },
      { reasoning: { effort: 'high', budgetTokens: null } },
    ],
    [
      'reasoning_effort minimal',
      { reasoning_effort: 'minimal' },
      { reasoning: { effort: 'minimal', budgetTokens: null } },
    ],
    ['response_format text', { response_format: { type: 'text' } }, { responseFormat: null }],
    [
      'response_format json_object',
      { response_format: { type: 'json_object' } },
      { responseFormat: { type: 'json_object' } },
    ],
    ['legacy max_tokens', { max_tokens: 77 }, { maxTokens: 77 }],
    ['safety_identifier as user', { safety_identifier: 'sid-9' }, { user: 'sid-9' }],
    ['stream false', { stream: false }, { stream: false }],
    [
      'a tool without parameters gets an empty object schema',
      { tools: [{ type: 'function', function: { name: 'now' } }] },
      {
        tools: [{ name: 'now', description: null, parameters: { type: 'object', properties: {} } }],
      },
    ],
  ])('%s', (_case, fields, expected) => {
    expect(hubOf({ model: 'm', messages: hi, ...fields })).toMatchObject(expected);
  });

  it('keeps a system message that follows the first turn in place', () => {
    const hub = hubOf({
      model: 'm',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'developer', content: 'b' },
      ],
    });
    expect(hub.system).toBeNull();
    expect(hub.messages.map((m) => m.role)).toEqual(['user', 'system']);
  });

  it('reads reasoning_content and refusal of an earlier assistant turn', () => {
    const hub = hubOf({
      model: 'm',
      messages: [
        { role: 'user', content: 'a' },
        {
          role: 'assistant',
          reasoning_content: 'thinking…',
          content: [{ type: 'text', text: 'x' }],
        },
        { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
      ],
    });
    expect(hub.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'thinking…', signature: null },
          { type: 'text', text: 'x' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'I cannot help with that.' }] },
    ]);
  });

  it('does not merge tool results across a user message', () => {
    const call = (id: string) => ({
      id,
      type: 'function',
      function: { name: 'f', arguments: '{}' },
    });
    const hub = hubOf({
      model: 'm',
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', tool_calls: [call('a'), call('b')] },
        { role: 'tool', tool_call_id: 'a', content: '1' },
        { role: 'user', content: 'and' },
        { role: 'tool', tool_call_id: 'b', content: '2' },
      ],
    });
    expect(hub.messages.map((m) => m.content.map((p) => p.type))).toEqual([
      ['text'],
      ['tool_call', 'tool_call'],
      ['tool_result'],
      ['text'],
      ['tool_result'],
    ]);
  });
});

describe('chatRequestToHub refusals (400 invalid_request_error)', () => {
  const user = { role: 'user', content: 'hi' };
  it.each<[string, Record<string, unknown>, string, string | null, string]>([
    // [case, fields, param, code, message]
    [
      'a content part of unknown type',
      { messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] },
      'messages[0].content[0].type',
      'invalid_value',
      "Invalid value: 'video'. Supported values are: 'text', 'image_url', 'input_audio', and 'file'.",
    ],
    [
      'a content part that is a string',
      { messages: [{ role: 'user', content: ['hi'] }] },
      'messages[0].content[0]',
      'invalid_type',
      "Invalid type for 'messages[0].content[0]': expected an object, but got a string instead.",
    ],
    [
      'content as a number',
      { messages: [{ role: 'user', content: 3 }] },
      'messages[0].content',
      'invalid_type',
      "Invalid type for 'messages[0].content': expected one of a string or an array of objects, but got an integer instead.",
    ],
    [
      'an image URL that is neither data: nor http(s)',
      {
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] },
        ],
      },
      'messages[0].content[0].image_url.url',
      'invalid_value',
      "Invalid 'messages[0].content[0].image_url.url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), or an http(s) URL.",
    ],
    [
      'a tool message without tool_call_id',
      { messages: [user, { role: 'tool', content: 'x' }] },
      'messages[1].tool_call_id',
      'missing_required_parameter',
      "Missing required parameter: 'messages[1].tool_call_id'.",
    ],
    [
      'a tool message that answers no call',
      { messages: [user, { role: 'tool', tool_call_id: 'call_1', content: 'x' }] },
      'messages[1].role',
      null,
      "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
    ],
    [
      'a tool call without a function name',
      {
        messages: [
          user,
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { arguments: '{}' } }],
          },
        ],
      },
      'messages[1].tool_calls[0].function.name',
      'missing_required_parameter',
      "Missing required parameter: 'messages[1].tool_calls[0].function.name'.",
    ],
    [
      'a tool without a name',
      { messages: [user], tools: [{ type: 'function', function: {} }] },
      'tools[0].function.name',
      'missing_required_parameter',
      "Missing required parameter: 'tools[0].function.name'.",
    ],
    [
      'an unknown tool_choice',
      { messages: [user], tool_choice: 'any' },
      'tool_choice',
      'invalid_value',
      "Invalid value: 'any'. Supported values are: 'none', 'auto', and 'required'.",
    ],
    [
      'temperature above 2',
      { messages: [user], temperature: 2.5 },
      'temperature',
      'decimal_above_max_value',
      "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.",
    ],
    [
      'negative top_p',
      { messages: [user], top_p: -0.1 },
      'top_p',
      'decimal_below_min_value',
      "Invalid 'top_p': decimal below minimum value. Expected a value >= 0, but got -0.1 instead.",
    ],
    [
      'stop with a number',
      { messages: [user], stop: ['a', 1] },
      'stop[1]',
      'invalid_type',
      "Invalid type for 'stop[1]': expected a string, but got an integer instead.",
    ],
    [
      'an unknown reasoning_effort',
      { messages: [user], reasoning_effort: 'max' },
      'reasoning_effort',
      'invalid_value',
      "Invalid value: 'max'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', and 'xhigh'.",
    ],
    [
      'json_schema without a name',
      { messages: [user], response_format: { type: 'json_schema', json_schema: { schema: {} } } },
      'response_format.json_schema.name',
      'missing_required_parameter',
      "Missing required parameter: 'response_format.json_schema.name'.",
    ],
  ])('rejects %s', (_case, fields, param, code, message) => {
    expect(toHub({ model: 'm', ...fields })).toEqual({
      ok: false,
      error: { status: 400, type: 'invalid_request_error', param, code, message },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['n > 1', { n: 3 }, 'n'],
    ['audio output', { modalities: ['text', 'audio'] }, 'modalities'],
    ['legacy functions', { functions: [{ name: 'f' }] }, 'functions'],
    ['legacy function_call', { function_call: 'auto' }, 'function_call'],
    ['custom tools', { tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type'],
    [
      'audio input',
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav' } }],
          },
        ],
      },
      'messages[0].content[0].type',
    ],
    [
      'a file part',
      { messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] },
      'messages[0].content[0].type',
    ],
    [
      'the legacy function role',
      { messages: [user, { role: 'function', name: 'f', content: 'x' }] },
      'messages[1].role',
    ],
  ])('refuses %s as untranslatable', (_case, fields, param) => {
    const result = toHub({ model: 'm', messages: [user], ...fields });
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ status: 400, code: 'unsupported_value', param }),
    });
    expect(!result.ok && result.error.message).toMatch(/cannot be translated/);
  });
});

describe('chatCompletionToHub', () => {
  const usage0 = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

  it('reads a recorded completion', () => {
    expect(chatCompletionToHub(fixture('chat-completion.json'))).toEqual<HubResponse>({
      id: 'chatcmpl-BkR7vN2qkXo9tYc3Lm8pWd4Ez1HsA',
      model: 'gpt-4o-2024-08-06',
      content: [
        {
          type: 'text',
          text: 'The capital of Australia is Canberra. It was purpose-built as a compromise between Sydney and Melbourne and became the seat of government in 1927.',
        },
      ],
      stopReason: 'end_turn',
      stopSequence: null,
      usage: {
        inputTokens: 1117,
        outputTokens: 33,
        cacheReadTokens: 1024,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
    });
  });

  const completion = (
    message: ChatCompletion.Choice['message'] & Record<string, unknown>,
    finish_reason: ChatCompletion.Choice['finish_reason'],
  ): ChatCompletion => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-5',
    choices: [{ index: 0, message, finish_reason, logprobs: null }],
  });

  it('reads reasoning_content, text and parallel tool calls in that order', () => {
    const hub = chatCompletionToHub(
      completion(
        {
          role: 'assistant',
          content: 'Checking both.',
          refusal: null,
          reasoning_content: 'Two cities, two calls.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'w', arguments: '{"c":"P"}' } },
            { id: 'call_b', type: 'function', function: { name: 'w', arguments: '{"c":"T"}' } },
          ],
        },
        'tool_calls',
      ),
    );
    expect(hub).toMatchObject({
      content: [
        { type: 'thinking', text: 'Two cities, two calls.', signature: null },
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_call', id: 'call_a', name: 'w', arguments: '{"c":"P"}' },
        { type: 'tool_call', id: 'call_b', name: 'w', arguments: '{"c":"T"}' },
      ],
      stopReason: 'tool_use',
      usage: usage0,
    });
  });

  it('turns a refusal into text with stop reason refusal', () => {
    const hub = chatCompletionToHub(
      completion({ role: 'assistant', content: null, refusal: "I'm sorry, I can't help." }, 'stop'),
    );
    expect(hub.content).toEqual([{ type: 'text', text: "I'm sorry, I can't help." }]);
    expect(hub.stopReason).toBe('refusal');
  });

  it.each<[ChatCompletion.Choice['finish_reason'] | 'unknown', boolean, HubResponse['stopReason']]>(
    [
      ['stop', false, 'end_turn'],
      ['length', false, 'max_tokens'],
      ['tool_calls', true, 'tool_use'],
      ['function_call', false, 'tool_use'],
      ['content_filter', false, 'content_filter'],
      ['stop', true, 'tool_use'], // a compatible server that says stop next to tool calls
      ['unknown', false, 'end_turn'],
    ],
  )('finish_reason %s (tool calls: %s) → %s', (finish, withCall, stopReason) => {
    const message = {
      role: 'assistant' as const,
      content: 'x',
      refusal: null,
      ...(withCall
        ? {
            tool_calls: [
              { id: 'c', type: 'function' as const, function: { name: 'f', arguments: '{}' } },
            ],
          }
        : {}),
    };
    const json = completion(message, 'stop');
    json.choices[0].finish_reason = finish as ChatCompletion.Choice['finish_reason'];
    expect(chatCompletionToHub(json).stopReason).toBe(stopReason);
  });

  it('reads reasoning tokens and cache writes where reported', () => {
    const json = {
      ...completion({ role: 'assistant', content: 'x', refusal: null }, 'stop'),
      usage: {
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 30 },
        completion_tokens_details: { reasoning_tokens: 20 },
      },
    };
    expect(chatCompletionToHub(json).usage).toEqual({
      inputTokens: 100,
      outputTokens: 50,
      cacheReadTokens: 60,
      cacheWriteTokens: 30,
      reasoningTokens: 20,
    });
  });

  it.each<[string, unknown]>([
    ['not an object', 'oops'],
    ['no choices', { id: 'x', choices: [] }],
  ])('throws UpstreamResponseError on %s', (_case, json) => {
    expect(() => chatCompletionToHub(json)).toThrow(UpstreamResponseError);
  });
});
