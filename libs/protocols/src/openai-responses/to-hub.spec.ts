// Responses to the hub: a full client request, the 400s of the deep walk, and recorded upstream answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'openai/resources/responses/responses';
import type { HubRequest, HubResponse } from '../hub/hub.types';
import { UpstreamResponseError } from '../openai-base/to-hub';
import { parseResponsesRequest } from './parse';
import { responseToHub, responsesRequestToHub } from './to-hub';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));

function toHub(body: unknown) {
  const parsed = parseResponsesRequest(body);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return responsesRequestToHub(parsed.body, parsed.view);
}

function hubOf(body: unknown): HubRequest {
  const result = toHub(body);
  if (!result.ok) throw new Error(result.error.message);
  return result.request;
}

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('responsesRequestToHub on a full conversation', () => {
  const hub = hubOf(fixture('responses-request.json'));

  it('reads instructions then leading developer messages as the system prompt', () => {
    expect(hub.system).toBe('You are a concise travel assistant.\n\nUse metric units.');
  });

  it('makes one assistant turn of reasoning, message and function call, then the tool result', () => {
    expect(hub.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather in Paris? This is where I am:' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } },
        ],
      },
      {
        role: 'assistant',
        content: [
          {
            type: 'thinking',
            text: '**Planning the weather lookup**\n\nThe user wants Paris weather.\n\n**Choosing units**\n\nFrance uses Celsius.',
            signature: { issuer: 'openai', value: expect.stringMatching(/^gAAAAAB/) as string },
          },
          { type: 'text', text: 'Let me check the current weather in Paris for you.' },
          {
            type: 'tool_call',
            id: 'call_Xk3pL9mQ2vR7tY1wZ5nB8cDf',
            name: 'get_weather',
            arguments: '{"location":"Paris, France","unit":"celsius"}',
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'call_Xk3pL9mQ2vR7tY1wZ5nB8cDf',
            name: 'get_weather',
            content: [{ type: 'text', text: '{"temp_c":18,"sky":"light rain"}' }],
            isError: false,
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Should I take an umbrella?' }] },
    ]);
  });

  it('reads tools, limits, sampling, reasoning, the text format and the end user', () => {
    const { system: _s, messages: _m, ...rest } = hub;
    expect(rest).toEqual({
      model: 'claude-sonnet-4-6',
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: {
            type: 'object',
            properties: {
              location: { type: 'string', description: 'City and country' },
              unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
            },
            required: ['location', 'unit'],
            additionalProperties: false,
          },
        },
      ],
      toolChoice: 'auto',
      maxTokens: 2048,
      temperature: 0.7,
      topP: 0.95,
      topK: null,
      stop: [],
      stream: true,
      reasoning: { effort: 'low', budgetTokens: null },
      responseFormat: {
        type: 'json_schema',
        name: 'advice',
        schema: {
          type: 'object',
          properties: { umbrella: { type: 'boolean' } },
          required: ['umbrella'],
          additionalProperties: false,
        },
      },
      parallelToolCalls: true,
      user: 'user-1234',
    });
  });
});

describe('responsesRequestToHub on single fields', () => {
  it.each<[string, Record<string, unknown>, Partial<HubRequest>]>([
    [
      'a string input',
      { input: 'Hello' },
      { system: null, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] },
    ],
    [
      'an image by URL',
      {
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_image', image_url: 'https://example.com/a.jpg', detail: 'low' },
            ],
          },
        ],
      },
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a.jpg' } }],
          },
        ],
      },
    ],
    [
      'a system message after the first turn, kept in place',
      {
        input: [
          { role: 'user', content: 'a' },
          { role: 'system', content: [{ type: 'input_text', text: 'b' }] },
        ],
      },
      {
        system: null,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'system', content: [{ type: 'text', text: 'b' }] },
        ],
      },
    ],
    [
      'an assistant refusal sent back, and an empty reasoning item (dropped)',
      {
        input: [
          { role: 'user', content: 'a' },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
        ],
      },
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'No.' }] },
        ],
      },
    ],
    [
      'raw reasoning text (open-weight models) when there is no summary',
      {
        input: [
          { role: 'user', content: 'a' },
          {
            type: 'reasoning',
            id: 'rs_1',
            summary: [],
            content: [{ type: 'reasoning_text', text: 'raw' }],
          },
        ],
      },
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'assistant', content: [{ type: 'thinking', text: 'raw', signature: null }] },
        ],
      },
    ],
    ['tool_choice required', { input: 'x', tool_choice: 'required' }, { toolChoice: 'required' }],
    [
      'a named function',
      { input: 'x', tool_choice: { type: 'function', name: 'get_weather' } },
      { toolChoice: { name: 'get_weather' } },
    ],
    [
      'allowed_tools keeps its mode',
      { input: 'x', tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] } },
      { toolChoice: 'auto' },
    ],
    [
      'reasoning without effort',
      { input: 'x', reasoning: { summary: 'auto' } },
      { reasoning: null },
    ],
    [
      'json_object',
      { input: 'x', text: { format: { type: 'json_object' } } },
      { responseFormat: { type: 'json_object' } },
    ],
    [
      'text format text',
      { input: 'x', text: { format: { type: 'text' } } },
      { responseFormat: null },
    ],
    [
      'user over safety_identifier',
      { input: 'x', user: 'u', safety_identifier: 's' },
      { user: 'u' },
    ],
  ])('%s', (_case, fields, expected) => {
    expect(hubOf({ model: 'm', ...fields })).toMatchObject(expected);
  });

  it('merges consecutive function call outputs into one user turn, with images', () => {
    const hub = hubOf({
      model: 'm',
      input: [
        { role: 'user', content: 'shoot both' },
        { type: 'function_call', call_id: 'c1', name: 'cam', arguments: '{"n":1}' },
        { type: 'function_call', call_id: 'c2', name: 'cam', arguments: '{"n":2}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
        {
          type: 'function_call_output',
          call_id: 'c2',
          output: [
            { type: 'input_text', text: 'photo:' },
            { type: 'input_image', image_url: 'https://example.com/p.png' },
          ],
        },
      ],
    });
    expect(hub.messages.map((m) => [m.role, m.content.map((p) => p.type)])).toEqual([
      ['user', ['text']],
      ['assistant', ['tool_call', 'tool_call']],
      ['user', ['tool_result', 'tool_result']],
    ]);
    expect(hub.messages[2].content[1]).toEqual({
      type: 'tool_result',
      toolCallId: 'c2',
      name: 'cam',
      content: [
        { type: 'text', text: 'photo:' },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/p.png' } },
      ],
      isError: false,
    });
  });

  it('reads a reference to a reasoning item as reasoning left out (the AI SDK tool loop with store on)', () => {
    // What @ai-sdk/openai sends back by default: the reasoning of the previous step by its id only.
    const hub = hubOf({
      model: 'm',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'weather in Paris?' }] },
        { type: 'item_reference', id: 'rs_0a1b2c_0' },
        {
          type: 'function_call',
          call_id: 'c1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
        },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
      ],
    });
    expect(hub.messages.map((m) => [m.role, m.content.map((p) => p.type)])).toEqual([
      ['user', ['text']],
      ['assistant', ['tool_call']],
      ['user', ['tool_result']],
    ]);
  });
});

describe('responsesRequestToHub refusals (400 invalid_request_error)', () => {
  it.each<[string, unknown, string | null, string | null, string]>([
    [
      'an item that is not an object',
      ['hi'],
      'input[0]',
      'invalid_type',
      "Invalid type for 'input[0]': expected an object, but got a string instead.",
    ],
    [
      'an unknown role',
      [{ role: 'tool', content: 'x' }],
      'input[0].role',
      'invalid_value',
      "Invalid value: 'tool'. Supported values are: 'user', 'assistant', 'system', and 'developer'.",
    ],
    [
      'an item without type or role',
      [{ content: 'x' }],
      'input[0].type',
      'missing_required_parameter',
      "Missing required parameter: 'input[0].type'.",
    ],
    [
      'an unknown user content part',
      [{ role: 'user', content: [{ type: 'output_text', text: 'x' }] }],
      'input[0].content[0].type',
      'invalid_value',
      "Invalid value: 'output_text'. Supported values are: 'input_text', 'input_image', and 'input_file'.",
    ],
    [
      'a function call without call_id',
      [{ type: 'function_call', name: 'f', arguments: '{}' }],
      'input[0].call_id',
      'missing_required_parameter',
      "Missing required parameter: 'input[0].call_id'.",
    ],
    [
      'an output for a call that is not in the input',
      [{ type: 'function_call_output', call_id: 'call_9', output: 'x' }],
      'input',
      null,
      'No tool call found for function call output with call_id call_9.',
    ],
    [
      'an output without output',
      [
        { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c' },
      ],
      'input[1].output',
      'missing_required_parameter',
      "Missing required parameter: 'input[1].output'.",
    ],
  ])('rejects %s', (_case, input, param, code, message) => {
    expect(toHub({ model: 'm', input })).toEqual({
      ok: false,
      error: { status: 400, type: 'invalid_request_error', param, code, message },
    });
  });

  it.each<[string, unknown, string | null, string | null, string]>([
    [
      'a function tool without a name',
      { tools: [{ type: 'function', parameters: {} }] },
      'tools[0].name',
      'missing_required_parameter',
      "Missing required parameter: 'tools[0].name'.",
    ],
    [
      'temperature above 2',
      { temperature: 3 },
      'temperature',
      'decimal_above_max_value',
      "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
    ],
    [
      'an unknown reasoning effort',
      { reasoning: { effort: 'extreme' } },
      'reasoning.effort',
      'invalid_value',
      "Invalid value: 'extreme'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', and 'xhigh'.",
    ],
    [
      'a json_schema format without schema',
      { text: { format: { type: 'json_schema', name: 'x' } } },
      'text.format.schema',
      'missing_required_parameter',
      "Missing required parameter: 'text.format.schema'.",
    ],
  ])('rejects %s', (_case, fields, param, code, message) => {
    expect(toHub({ model: 'm', input: 'x', ...(fields as object) })).toEqual({
      ok: false,
      error: { status: 400, type: 'invalid_request_error', param, code, message },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a hosted tool inside a namespace',
      { tools: [{ type: 'namespace', name: 'n', tools: [{ type: 'web_search' }] }] },
      'tools[0].tools[0].type',
    ],
    ['a built-in tool choice', { tool_choice: { type: 'file_search' } }, 'tool_choice.type'],
    [
      'an input file',
      { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] },
      'input[0].content[0].type',
    ],
    [
      'an image by file_id',
      {
        input: [
          { role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] },
        ],
      },
      'input[0].content[0].file_id',
    ],
    ['an item reference', { input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
    [
      'a local shell call item',
      { input: [{ type: 'local_shell_call', call_id: 'c1', status: 'completed' }] },
      'input[0].type',
    ],
  ])('refuses %s as untranslatable', (_case, fields, param) => {
    const result = toHub({ model: 'm', input: 'x', ...fields });
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ status: 400, code: 'unsupported_value', param }),
    });
    expect(!result.ok && result.error.message).toMatch(/cannot be translated/);
  });
});

describe('responseToHub', () => {
  it('reads a recorded response with reasoning, a message and a function call', () => {
    expect(responseToHub(fixture('response-reasoning-tool.json'))).toEqual<HubResponse>({
      id: 'resp_0a1c3f5e7b9d2468013579bdf2468ace13579bdf2468ace1',
      model: 'gpt-5-mini-2025-08-07',
      content: [
        {
          type: 'thinking',
          text: '**Planning the weather lookup**\n\nThe user wants Paris weather; I should call get_weather.\n\n**Choosing units**\n\nFrance uses Celsius.',
          signature: { issuer: 'openai', value: expect.stringMatching(/^gAAAAAB/) as string },
        },
        { type: 'text', text: 'Let me check the current weather in Paris for you.' },
        {
          type: 'tool_call',
          id: 'call_Xk3pL9mQ2vR7tY1wZ5nB8cDf',
          name: 'get_weather',
          arguments: '{"location":"Paris, France","unit":"celsius"}',
        },
      ],
      stopReason: 'tool_use',
      stopSequence: null,
      usage: {
        inputTokens: 1284,
        outputTokens: 173,
        cacheReadTokens: 1152,
        cacheWriteTokens: 0,
        reasoningTokens: 128,
      },
    });
  });

  const response = (over: Partial<Response>): unknown => ({
    ...(fixture('response-reasoning-tool.json') as Response),
    output: [],
    ...over,
  });

  it.each<[string, Partial<Response>, HubResponse['stopReason']]>([
    ['completed text', { status: 'completed' }, 'end_turn'],
    [
      'incomplete at max_output_tokens',
      { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
      'max_tokens',
    ],
    [
      'incomplete by the content filter',
      { status: 'incomplete', incomplete_details: { reason: 'content_filter' } },
      'content_filter',
    ],
    [
      'a refusal',
      {
        status: 'completed',
        output: [
          {
            id: 'msg_1',
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'refusal', refusal: "I can't help with that." }],
          },
        ],
      },
      'refusal',
    ],
  ])('%s → %s', (_case, over, stopReason) => {
    expect(responseToHub(response(over)).stopReason).toBe(stopReason);
  });

  it.each<[string, unknown]>([
    ['not an object', null],
    ['no output', { id: 'resp_1', status: 'completed' }],
    [
      'a failed response',
      {
        id: 'resp_1',
        status: 'failed',
        error: { code: 'server_error', message: 'boom' },
        output: [],
      },
    ],
  ])('throws UpstreamResponseError on %s', (_case, json) => {
    expect(() => responseToHub(json)).toThrow(UpstreamResponseError);
  });
});
