// The hub to Responses: the upstream request, the client's `response` object, and round trips through both.
import { readFileSync } from 'node:fs';
import { hubRequest } from '../hub/hub-request';
import { join } from 'node:path';
import type { Response } from 'openai/resources/responses/responses';
import type { HubRequest, HubResponse } from '../hub/hub.types';
import { clientSignature } from '../hub/thought-signature';
import type { ClientContext } from '../hub/protocol-adapter';
import { buildResponsesRequest, renderResponse } from './from-hub';
import { parseResponsesRequest } from './parse';
import { responseToHub, responsesRequestToHub } from './to-hub';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));

function hubOf(body: unknown): HubRequest {
  const parsed = parseResponsesRequest(body);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const result = responsesRequestToHub(parsed.body, parsed.view);
  if (!result.ok) throw new Error(result.error.message);
  return result.request;
}

const request = (over: Partial<HubRequest> = {}): HubRequest =>
  hubRequest(
    'claude-sonnet-4-6',
    [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    over,
  );

const bodyOf = (hub: HubRequest): Record<string, unknown> =>
  JSON.parse(buildResponsesRequest(hub, 'gpt-5-mini').body) as Record<string, unknown>;

describe('buildResponsesRequest', () => {
  it('sends a minimal request to /v1/responses, stored nowhere', () => {
    const built = buildResponsesRequest(request(), 'gpt-5-mini');
    expect(built.path).toBe('/v1/responses');
    expect(JSON.parse(built.body)).toEqual({
      model: 'gpt-5-mini',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      store: false,
    });
  });

  it('translates a conversation with images, tool calls and results (images in results kept)', () => {
    const body = bodyOf(
      request({
        system: 'Be brief.',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Read this:' },
              {
                type: 'image',
                source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
              },
            ],
          },
          {
            role: 'assistant',
            content: [
              {
                type: 'thinking',
                text: 'ocr it',
                signature: { issuer: 'anthropic', value: 'sig' },
              },
              { type: 'text', text: 'Running OCR.' },
              { type: 'tool_call', id: 'toolu_01', name: 'ocr', arguments: '{}' },
              { type: 'tool_call', id: 'toolu_02', name: 'zoom', arguments: '{"x":2}' },
            ],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                toolCallId: 'toolu_01',
                name: 'ocr',
                content: [{ type: 'text', text: 'HELLO' }],
                isError: false,
              },
              {
                type: 'tool_result',
                toolCallId: 'toolu_02',
                name: 'zoom',
                content: [
                  { type: 'text', text: 'zoomed' },
                  { type: 'image', source: { kind: 'url', url: 'https://example.com/z.png' } },
                ],
                isError: false,
              },
              { type: 'text', text: 'What does it say?' },
            ],
          },
          { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool_call', id: 'toolu_03', name: 'ocr', arguments: '{}' }],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                toolCallId: 'toolu_03',
                name: 'ocr',
                content: [{ type: 'text', text: 'timeout' }],
                isError: true,
              },
            ],
          },
        ],
      }),
    );
    expect(body.instructions).toBe('Be brief.');
    expect(body.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'Read this:' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' },
        ],
      },
      { type: 'message', role: 'assistant', content: 'Running OCR.' },
      { type: 'function_call', call_id: 'toolu_01', name: 'ocr', arguments: '{}' },
      { type: 'function_call', call_id: 'toolu_02', name: 'zoom', arguments: '{"x":2}' },
      { type: 'function_call_output', call_id: 'toolu_01', output: 'HELLO' },
      {
        type: 'function_call_output',
        call_id: 'toolu_02',
        output: [
          { type: 'input_text', text: 'zoomed' },
          { type: 'input_image', image_url: 'https://example.com/z.png', detail: 'auto' },
        ],
      },
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'What does it say?' }],
      },
      { type: 'message', role: 'system', content: 'Answer in French.' },
      { type: 'function_call', call_id: 'toolu_03', name: 'ocr', arguments: '{}' },
      { type: 'function_call_output', call_id: 'toolu_03', output: 'Error: timeout' },
    ]);
  });

  it('maps every request setting; asks for reasoning summaries; raises max_output_tokens to 16', () => {
    const body = bodyOf(
      request({
        tools: [{ name: 'f', description: 'does f', parameters: { type: 'object' } }],
        toolChoice: { name: 'f' },
        parallelToolCalls: false,
        maxTokens: 1,
        temperature: 0.5,
        topP: 0.8,
        topK: 40,
        stop: ['###'],
        stream: true,
        reasoning: { effort: null, budgetTokens: 10000 },
        responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' } },
        user: 'u-1',
      }),
    );
    expect(body).toEqual({
      model: 'gpt-5-mini',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      store: false,
      tools: [
        {
          type: 'function',
          name: 'f',
          description: 'does f',
          parameters: { type: 'object' },
          strict: false,
        },
      ],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
      max_output_tokens: 16,
      temperature: 0.5,
      top_p: 0.8,
      reasoning: { effort: 'high', summary: 'auto' },
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' } } },
      user: 'u-1',
      stream: true,
    });
  });

  it.each<[HubRequest['reasoning'], unknown]>([
    [null, undefined],
    [
      { effort: 'minimal', budgetTokens: null },
      { effort: 'minimal', summary: 'auto' },
    ],
    [{ effort: null, budgetTokens: 0 }, { summary: 'auto' }],
  ])('reasoning %j → %j', (reasoning, expected) => {
    expect(bodyOf(request({ reasoning })).reasoning).toEqual(expected);
  });

  it('sends no tool_choice without tools', () => {
    expect(bodyOf(request({ toolChoice: 'required' }))).not.toHaveProperty('tool_choice');
  });
});

describe('responses → hub → responses round trip', () => {
  it('keeps the conversation of a full request but for the reasoning, which OpenAI takes back only as its own', () => {
    const original = hubOf(fixture('responses-request.json'));
    const again = hubOf(bodyOf(original));
    expect(again).toEqual({
      ...original,
      model: 'gpt-5-mini',
      messages: original.messages.map((m) => ({
        ...m,
        content: m.content.filter((p) => p.type !== 'thinking'),
      })),
    });
  });
});

const ctx: ClientContext = {
  requestId: 'req_7f3a9c',
  sse: false,
  model: 'anthropic/claude-sonnet-4-6',
  createdAt: 1764826451,
};

const answer = (over: Partial<HubResponse> = {}): HubResponse => ({
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  model: 'claude-sonnet-4-6',
  content: [
    {
      type: 'thinking',
      text: 'Need the tool.',
      signature: { issuer: 'anthropic', value: 'EqQBCgIYAh' },
    },
    { type: 'redacted_thinking', data: 'opaque' },
    { type: 'text', text: 'Let me look' },
    { type: 'text', text: ' it up.' },
    { type: 'tool_call', id: 'toolu_01A', name: 'get_weather', arguments: '{"city":"Paris"}' },
  ],
  stopReason: 'tool_use',
  stopSequence: null,
  usage: {
    inputTokens: 2095,
    outputTokens: 503,
    cacheReadTokens: 1024,
    cacheWriteTokens: 512,
    reasoningTokens: 300,
  },
  ...over,
});

describe('renderResponse', () => {
  it('renders a response object with reasoning, message and function_call items', () => {
    const rendered = renderResponse(answer(), ctx);
    // what the SDK types expect (output_text is the SDK's own convenience getter; access_programs, new in the
    // openai 7 types, is not rendered yet)
    const typed: Omit<Response, 'output_text' | 'access_programs'> = rendered;
    expect(typed).toEqual({
      id: 'resp_01XFDUDYJgAACzvnptvVoYEL',
      object: 'response',
      created_at: 1764826451,
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      model: 'anthropic/claude-sonnet-4-6',
      output: [
        {
          id: 'rs_01XFDUDYJgAACzvnptvVoYEL_0',
          type: 'reasoning',
          summary: [{ type: 'summary_text', text: 'Need the tool.' }],
          // Claude's signature relayed with the text it signs (hub/thought-signature.ts).
          encrypted_content: clientSignature(
            { issuer: 'anthropic', value: 'EqQBCgIYAh' },
            'openai',
            'Need the tool.',
          ),
        },
        {
          id: 'msg_01XFDUDYJgAACzvnptvVoYEL_1',
          type: 'message',
          status: 'completed',
          content: [
            { type: 'output_text', text: 'Let me look', annotations: [], logprobs: [] },
            { type: 'output_text', text: ' it up.', annotations: [], logprobs: [] },
          ],
          role: 'assistant',
        },
        {
          id: 'fc_01XFDUDYJgAACzvnptvVoYEL_2',
          type: 'function_call',
          status: 'completed',
          arguments: '{"city":"Paris"}',
          call_id: 'toolu_01A',
          name: 'get_weather',
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: false,
      temperature: null,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      usage: {
        input_tokens: 2095,
        input_tokens_details: { cached_tokens: 1024, cache_write_tokens: 512 },
        output_tokens: 503,
        output_tokens_details: { reasoning_tokens: 300 },
        total_tokens: 2598,
      },
      metadata: {},
    });
  });

  it.each<[HubResponse['stopReason'], string, unknown]>([
    ['end_turn', 'completed', null],
    ['stop_sequence', 'completed', null],
    ['tool_use', 'completed', null],
    ['refusal', 'completed', null],
    ['max_tokens', 'incomplete', { reason: 'max_output_tokens' }],
    ['content_filter', 'incomplete', { reason: 'content_filter' }],
  ])('%s → status %s, incomplete_details %j', (stopReason, status, details) => {
    expect(renderResponse(answer({ stopReason }), ctx)).toMatchObject({
      status,
      incomplete_details: details,
    });
  });

  it('renders a refusal as a refusal part', () => {
    const rendered = renderResponse(
      answer({ content: [{ type: 'text', text: 'No.' }], stopReason: 'refusal' }),
      ctx,
    );
    expect(rendered.output).toEqual([
      expect.objectContaining({ type: 'message', content: [{ type: 'refusal', refusal: 'No.' }] }),
    ]);
  });

  it('takes the id from the request id when the upstream gave none', () => {
    expect(renderResponse(answer({ id: '' }), ctx).id).toBe('resp_7f3a9c');
  });
});

describe('response → hub → response round trip', () => {
  it('gives back the recorded response output and usage', () => {
    const recorded = fixture('response-reasoning-tool.json') as Response;
    const rendered = renderResponse(responseToHub(recorded), {
      ...ctx,
      model: recorded.model,
      createdAt: recorded.created_at,
    });
    expect(rendered).toMatchObject({
      id: recorded.id,
      created_at: recorded.created_at,
      model: recorded.model,
      status: 'completed',
      usage: {
        ...recorded.usage,
        input_tokens_details: { cached_tokens: 1152, cache_write_tokens: 0 },
      },
    });
    // the same items, in order; ids are the gateway's own, encrypted reasoning is not carried, and the
    // summary parts of one reasoning item come back as one (the hub has one thinking text)
    const shape = (output: Response['output']) =>
      output.map((item) => {
        const { id: _id, ...rest } = item;
        if (rest.type !== 'reasoning') return rest;
        const text = rest.summary.map((s) => s.text).join('\n\n');
        return { type: rest.type, summary: [{ type: 'summary_text', text }] };
      });
    expect(shape(rendered.output)).toEqual(shape(recorded.output));
  });

  it('gives back the hub answer', () => {
    const hub = answer({ content: answer().content.filter((p) => p.type !== 'redacted_thinking') });
    const back = responseToHub(renderResponse(hub, ctx));
    expect(back).toEqual({
      ...hub,
      id: 'resp_01XFDUDYJgAACzvnptvVoYEL',
      model: ctx.model,
      // Read back as an upstream's, the relayed signature is OpenAI's encrypted content.
      content: hub.content.map((p) =>
        p.type === 'thinking'
          ? { ...p, signature: { issuer: 'openai', value: expect.any(String) as string } }
          : p,
      ),
    });
  });
});
