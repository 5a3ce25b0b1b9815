// Messages requests and answers to the hub: a recorded-looking Claude Code request in full, then one table row
// per translation rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubMessage, HubRequest, HubResponse } from '../hub/hub.types';
import { anthropicMessages } from './anthropic-messages.adapter';
import { MalformedUpstreamResponse } from './to-hub';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));

function toHub(body: unknown): HubRequest {
  const result = anthropicMessages.client.parseRequest(body, null);
  if (!result.ok) throw new Error(result.error.message);
  return result.request;
}

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024 };
const hi = { role: 'user', content: 'hi' };

describe('parseRequest: a Claude Code request', () => {
  it('translates every field the hub carries and drops cache_control', () => {
    const expected: HubRequest = {
      model: 'claude-sonnet-4-5-20250929',
      system:
        "You are Claude Code, Anthropic's official CLI for Claude.\n\n" +
        '\nYou are an interactive CLI tool that helps users with software engineering tasks.\n',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: expect.stringContaining('<system-reminder>') as string },
            { type: 'text', text: "what's in package.json?" },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'thinking',
              text: "The user wants to know what package.json contains. I'll read it.",
              signature: {
                issuer: 'anthropic',
                value: expect.stringMatching(/^ErUBCkYIBRgCIkDs8Vq2/) as string,
              },
            },
            { type: 'text', text: "I'll read the file." },
            {
              type: 'tool_call',
              id: 'toolu_01Vq3kYd8Ns2HcRw5XbL9mTe',
              name: 'Read',
              arguments: '{"file_path":"/home/dev/app/package.json"}',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'toolu_01Vq3kYd8Ns2HcRw5XbL9mTe',
              name: 'Read',
              content: [
                {
                  type: 'text',
                  text: '     1→{\n     2→  "name": "app",\n     3→  "version": "1.0.0"\n     4→}\n',
                },
              ],
              isError: false,
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'package.json declares the package `app`, version 1.0.0.' },
          ],
        },
        {
          role: 'system',
          content: [
            {
              type: 'text',
              text: 'The user switched the model to relay-sonnet. Keep following the instructions above.',
            },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'thanks. now run the tests' }] },
      ],
      tools: [
        {
          name: 'Bash',
          description: 'Executes a given bash command in a persistent shell session.',
          parameters: expect.objectContaining({ required: ['command'] }) as Record<string, unknown>,
        },
        {
          name: 'Read',
          description: 'Reads a file from the local filesystem.',
          parameters: {
            type: 'object',
            properties: {
              file_path: { type: 'string', description: 'The absolute path to the file to read' },
            },
            required: ['file_path'],
            additionalProperties: false,
            $schema: 'http://json-schema.org/draft-07/schema#',
          },
        },
      ],
      toolChoice: null,
      maxTokens: 32000,
      temperature: 1,
      topP: null,
      topK: null,
      stop: [],
      stream: true,
      reasoning: { effort: null, budgetTokens: 31999 },
      responseFormat: null,
      parallelToolCalls: null,
      user: 'user_8f14e45fceea167a5a36dedd4bea2543_account__session_3f1c2b9e-7a41-4d2f-9c55-1e0b8d6a4f27',
    };
    expect(toHub(fixture('claude-code-request.json'))).toEqual(expected);
  });
});

describe('parseRequest: translation rules', () => {
  const image = (source: Record<string, unknown>) => ({ type: 'image', source });

  it.each<[string, Record<string, unknown>, Partial<HubRequest>]>([
    ['a string system', { system: 'Be brief.' }, { system: 'Be brief.' }],
    ['an empty system', { system: '' }, { system: null }],
    [
      'system blocks, one paragraph each',
      {
        system: [
          { type: 'text', text: 'A', cache_control: { type: 'ephemeral', ttl: '1h' } },
          { type: 'text', text: 'B' },
        ],
      },
      { system: 'A\n\nB' },
    ],
    [
      'leading system messages join the top-level system',
      {
        system: 'A',
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'B' }] },
          { role: 'system', content: 'C' },
          hi,
        ],
      },
      {
        system: 'A\n\nB\n\nC',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      },
    ],
    [
      'images from base64 and from a URL',
      {
        messages: [
          {
            role: 'user',
            content: [
              image({ type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' }),
              image({ type: 'url', url: 'https://example.com/cat.jpg' }),
              { type: 'text', text: 'Compare these.' },
            ],
          },
        ],
      },
      {
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'image',
                source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
              },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' } },
              { type: 'text', text: 'Compare these.' },
            ],
          },
        ],
      },
    ],
    [
      'a Files API image, a PDF and a text document',
      {
        messages: [
          {
            role: 'user',
            content: [
              image({ type: 'file', file_id: 'file_011' }),
              {
                type: 'document',
                source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
                title: 'Q3 report',
                citations: { enabled: true },
              },
              {
                type: 'document',
                source: { type: 'text', media_type: 'text/plain', data: 'The grass is green.' },
                title: 'Facts',
              },
            ],
          },
        ],
      },
      {
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'text',
                text: '[image from the Files API omitted: the API format of the channel serving this model cannot carry it]',
              },
              {
                type: 'text',
                text: '[PDF document "Q3 report" omitted: the API format of the channel serving this model cannot carry it]',
              },
              { type: 'text', text: 'Facts\n\nThe grass is green.' },
            ],
          },
        ],
      },
    ],
    [
      'tool results as a string, as blocks with an image, empty, and as an error; named after their call',
      {
        messages: [
          hi,
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'toolu_a', name: 'screenshot', input: {} },
              { type: 'tool_use', id: 'toolu_b', name: 'ls', input: { path: '/' } },
            ],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_a',
                content: [
                  { type: 'text', text: 'Here:' },
                  image({ type: 'base64', media_type: 'image/jpeg', data: '/9j/' }),
                ],
              },
              { type: 'tool_result', tool_use_id: 'toolu_b', content: 'denied', is_error: true },
              { type: 'tool_result', tool_use_id: 'toolu_unknown' },
            ],
          },
        ],
      },
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'hi' }] },
          {
            role: 'assistant',
            content: [
              { type: 'tool_call', id: 'toolu_a', name: 'screenshot', arguments: '{}' },
              { type: 'tool_call', id: 'toolu_b', name: 'ls', arguments: '{"path":"/"}' },
            ],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                toolCallId: 'toolu_a',
                name: 'screenshot',
                content: [
                  { type: 'text', text: 'Here:' },
                  {
                    type: 'image',
                    source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/' },
                  },
                ],
                isError: false,
              },
              {
                type: 'tool_result',
                toolCallId: 'toolu_b',
                name: 'ls',
                content: [{ type: 'text', text: 'denied' }],
                isError: true,
              },
              {
                type: 'tool_result',
                toolCallId: 'toolu_unknown',
                name: null,
                content: [],
                isError: false,
              },
            ],
          },
        ],
      },
    ],
    [
      'thinking (an empty signature reads as unsigned), redacted thinking; server tool blocks dropped',
      {
        messages: [
          hi,
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'a', signature: 'sig-a' },
              { type: 'thinking', thinking: 'b', signature: '' },
              { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
              {
                type: 'server_tool_use',
                id: 'srvtoolu_1',
                name: 'web_search',
                input: { query: 'x' },
              },
              { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
              { type: 'text', text: 'Found it.' },
            ],
          },
        ],
      },
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'hi' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'a', signature: { issuer: 'anthropic', value: 'sig-a' } },
              { type: 'thinking', text: 'b', signature: null },
              { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
              { type: 'text', text: 'Found it.' },
            ],
          },
        ],
      },
    ],
    [
      'an empty final assistant message',
      { messages: [hi, { role: 'assistant', content: [] }] },
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'hi' }] },
          { role: 'assistant', content: [] },
        ],
      },
    ],
    [
      'custom tools; Anthropic-defined ones dropped',
      {
        tools: [
          { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
          {
            type: 'custom',
            name: 'get_weather',
            input_schema: { type: 'object', properties: {} },
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
      {
        tools: [
          {
            name: 'get_weather',
            description: null,
            parameters: { type: 'object', properties: {} },
          },
        ],
      },
    ],
    [
      'tool_choice auto',
      { tool_choice: { type: 'auto' } },
      { toolChoice: 'auto', parallelToolCalls: null },
    ],
    ['tool_choice any → required', { tool_choice: { type: 'any' } }, { toolChoice: 'required' }],
    ['tool_choice none', { tool_choice: { type: 'none' } }, { toolChoice: 'none' }],
    [
      'tool_choice tool, no parallel calls',
      { tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true } },
      { toolChoice: { name: 'f' }, parallelToolCalls: false },
    ],
    [
      'disable_parallel_tool_use false is the default',
      { tool_choice: { type: 'auto', disable_parallel_tool_use: false } },
      { parallelToolCalls: null },
    ],
    [
      'sampling and stop sequences',
      { temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ['END', '\n\nHuman:'] },
      { temperature: 0.2, topP: 0.9, topK: 40, stop: ['END', '\n\nHuman:'] },
    ],
    [
      'thinking enabled',
      { thinking: { type: 'enabled', budget_tokens: 2048 } },
      { reasoning: { effort: null, budgetTokens: 2048 } },
    ],
    ['thinking disabled', { thinking: { type: 'disabled' } }, { reasoning: null }],
    [
      'adaptive thinking with an effort (max is the hub high)',
      { thinking: { type: 'adaptive' }, output_config: { effort: 'max' } },
      { reasoning: { effort: 'high', budgetTokens: null } },
    ],
    [
      'adaptive thinking without an effort',
      { thinking: { type: 'adaptive' } },
      { reasoning: { effort: null, budgetTokens: null } },
    ],
    [
      'structured output (beta output_format)',
      { output_format: { type: 'json_schema', schema: { type: 'object' } } },
      { responseFormat: { type: 'json_schema', name: 'output', schema: { type: 'object' } } },
    ],
    ['metadata.user_id', { metadata: { user_id: 'u-1' } }, { user: 'u-1' }],
    [
      'stream, and the platform fields dropped',
      { stream: true, service_tier: 'auto', container: 'c', mcp_servers: [], inference_geo: 'us' },
      { stream: true },
    ],
  ])('%s', (_case, fields, expected) => {
    const request = toHub({ ...base, messages: [hi], ...fields });
    expect(request).toMatchObject(expected);
    if (!('messages' in expected)) {
      expect(request.messages).toEqual<HubMessage[]>([
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      ]);
    }
  });
});

describe('upstream.parseResponse', () => {
  it('reads a recorded message with thinking, text, a tool call and cache usage', () => {
    const expected: HubResponse = {
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        {
          type: 'thinking',
          text: expect.stringMatching(/^The user wants the current weather in Paris/) as string,
          signature: {
            issuer: 'anthropic',
            value: expect.stringMatching(/^EqQBCgIYAhIM/) as string,
          },
        },
        { type: 'text', text: "I'll check the current weather in Paris for you." },
        {
          type: 'tool_call',
          id: 'toolu_01A09q90qw90lq917835lq9',
          name: 'get_weather',
          arguments: '{"location":"Paris, France","unit":"celsius"}',
        },
      ],
      stopReason: 'tool_use',
      stopSequence: null,
      // 472 uncached + 1024 written + 2806 read
      usage: {
        inputTokens: 4302,
        outputTokens: 156,
        cacheReadTokens: 2806,
        cacheWriteTokens: 1024,
      },
    };
    expect(anthropicMessages.upstream.parseResponse(fixture('message-response.json'))).toEqual(
      expected,
    );
  });

  it.each<[unknown, HubResponse['stopReason']]>([
    ['end_turn', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['stop_sequence', 'stop_sequence'],
    ['tool_use', 'tool_use'],
    ['refusal', 'refusal'],
    ['pause_turn', 'end_turn'],
    ['model_context_window_exceeded', 'max_tokens'],
    [null, 'end_turn'],
  ])('stop_reason %p → %s', (stopReason, expected) => {
    const response = anthropicMessages.upstream.parseResponse({
      id: 'msg_1',
      content: [{ type: 'text', text: 'x' }],
      stop_reason: stopReason,
      stop_sequence: stopReason === 'stop_sequence' ? '###' : null,
      usage: { input_tokens: 1, output_tokens: 1 },
    });
    expect(response.stopReason).toBe(expected);
    expect(response.stopSequence).toBe(stopReason === 'stop_sequence' ? '###' : null);
  });

  it('drops server tool blocks and citations, keeps redacted thinking', () => {
    const response = anthropicMessages.upstream.parseResponse({
      id: 'msg_1',
      model: 'm',
      content: [
        { type: 'redacted_thinking', data: 'abc' },
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
        { type: 'text', text: 'It is sunny.', citations: [{ type: 'web_search_result_location' }] },
      ],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, output_tokens: 5 },
    });
    expect(response.content).toEqual([
      { type: 'redacted_thinking', data: 'abc' },
      { type: 'text', text: 'It is sunny.' },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it.each<[string, unknown]>([
    ['not an object', 'oops'],
    ['no content', { id: 'msg_1', type: 'message' }],
  ])('refuses a body that is %s', (_case, json) => {
    expect(() => anthropicMessages.upstream.parseResponse(json)).toThrow(MalformedUpstreamResponse);
  });
});
