// The hub to Chat Completions: the upstream request, the client's chat.completion, and round trips through both.
import { readFileSync } from 'node:fs';
import { hubRequest } from '../hub/hub-request';
import { join } from 'node:path';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { HubRequest, HubResponse } from '../hub/hub.types';
import type { ClientContext } from '../hub/protocol-adapter';
import { effortFor } from '../openai-base/from-hub';
import { buildChatRequest, chatFinishReason, renderChatCompletion } from './from-hub';
import { parseChatRequest } from './parse';
import { chatCompletionToHub, chatRequestToHub } from './to-hub';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));

function hubOf(body: unknown): HubRequest {
  const parsed = parseChatRequest(body);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const result = chatRequestToHub(parsed.body, parsed.view);
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
  JSON.parse(buildChatRequest(hub, 'gpt-5-mini').body) as Record<string, unknown>;

describe('buildChatRequest', () => {
  it('sends a minimal request to /v1/chat/completions with the upstream model', () => {
    const built = buildChatRequest(request(), 'gpt-5-mini');
    expect(built.path).toBe('/v1/chat/completions');
    expect(built.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(built.body)).toEqual({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('translates a full conversation', () => {
    const hub = request({
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            {
              type: 'image',
              source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' },
            },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'hmm', signature: { issuer: 'anthropic', value: 'sig' } },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'Calling.' },
            { type: 'tool_call', id: 'toolu_01', name: 'ocr', arguments: '{"page":1}' },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'toolu_01',
              name: 'ocr',
              content: [
                { type: 'text', text: 'Page 1' },
                { type: 'image', source: { kind: 'url', url: 'https://example.com/p1.png' } },
              ],
              isError: false,
            },
            { type: 'text', text: 'Thanks. Summarise.' },
          ],
        },
        { role: 'system', content: [{ type: 'text', text: 'Mind the length.' }] },
        {
          role: 'assistant',
          content: [{ type: 'tool_call', id: 'toolu_02', name: 'ocr', arguments: '{"page":2}' }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'toolu_02',
              name: 'ocr',
              content: [{ type: 'text', text: 'no such page' }],
              isError: true,
            },
          ],
        },
      ],
    });
    expect(bodyOf(hub).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Calling.',
        tool_calls: [
          { id: 'toolu_01', type: 'function', function: { name: 'ocr', arguments: '{"page":1}' } },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'toolu_01',
        content: 'Page 1\n[image omitted: tool results in OpenAI Chat Completions carry text only]',
      },
      { role: 'user', content: 'Thanks. Summarise.' },
      { role: 'system', content: 'Mind the length.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'toolu_02', type: 'function', function: { name: 'ocr', arguments: '{"page":2}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_02', content: 'Error: no such page' },
    ]);
  });

  it('maps every request setting', () => {
    const body = bodyOf(
      request({
        tools: [{ name: 'f', description: null, parameters: { type: 'object' } }],
        toolChoice: { name: 'f' },
        parallelToolCalls: false,
        maxTokens: 512,
        temperature: 0,
        topP: 1,
        topK: 40,
        stop: ['###'],
        stream: true,
        reasoning: { effort: 'high', budgetTokens: null },
        responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' } },
        user: 'u-1',
      }),
    );
    expect(body).toEqual({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      max_completion_tokens: 512,
      temperature: 0,
      top_p: 1,
      stop: ['###'],
      reasoning_effort: 'high',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' } },
      },
      user: 'u-1',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('sends tool_choice and parallel_tool_calls only with tools (OpenAI refuses them alone)', () => {
    const body = bodyOf(request({ toolChoice: 'none', parallelToolCalls: true }));
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('parallel_tool_calls');
  });

  it('sends json_object mode', () => {
    expect(bodyOf(request({ responseFormat: { type: 'json_object' } })).response_format).toEqual({
      type: 'json_object',
    });
  });
});

describe('effortFor (a token budget without an effort)', () => {
  it.each<[number | null, string | null]>([
    [null, null],
    [0, null],
    [-1, null],
    [1024, 'low'],
    [2047, 'low'],
    [2048, 'medium'],
    [8191, 'medium'],
    [8192, 'high'],
    [32000, 'high'],
  ])('budget %p → %p', (budgetTokens, effort) => {
    expect(effortFor({ effort: null, budgetTokens })).toBe(effort);
  });

  it('prefers an explicit effort over the budget', () => {
    expect(effortFor({ effort: 'minimal', budgetTokens: 30000 })).toBe('minimal');
  });

  it('sends the derived effort upstream', () => {
    const body = bodyOf(request({ reasoning: { effort: null, budgetTokens: 4096 } }));
    expect(body.reasoning_effort).toBe('medium');
  });
});

describe('chat → hub → chat round trip', () => {
  it('keeps the conversation of a full request (modulo what the format does not carry)', () => {
    const original = hubOf(fixture('chat-request-tools.json'));
    const again = hubOf(bodyOf(original));
    expect(again).toEqual({ ...original, model: 'gpt-5-mini' });
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
  model: 'claude-sonnet-4-6-20260101',
  content: [{ type: 'text', text: 'Hello!' }],
  stopReason: 'end_turn',
  stopSequence: null,
  usage: { inputTokens: 2095, outputTokens: 503, cacheReadTokens: 2048, cacheWriteTokens: 0 },
  ...over,
});

describe('renderChatCompletion', () => {
  it('renders a chat.completion with a chatcmpl- id from the upstream id and the client model', () => {
    const rendered: ChatCompletion = renderChatCompletion(answer(), ctx);
    expect(rendered).toEqual({
      id: 'chatcmpl-01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: 1764826451,
      model: 'anthropic/claude-sonnet-4-6',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello!', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 2095,
        completion_tokens: 503,
        total_tokens: 2598,
        prompt_tokens_details: { cached_tokens: 2048 },
      },
    });
  });

  it('renders thinking as reasoning_content, tool calls, and the reasoning and cache-write tokens', () => {
    const rendered = renderChatCompletion(
      answer({
        content: [
          {
            type: 'thinking',
            text: 'Need the tool.',
            signature: { issuer: 'anthropic', value: 'EqQBCgIYAh' },
          },
          { type: 'text', text: 'Let me look.' },
          {
            type: 'tool_call',
            id: 'toolu_01A',
            name: 'get_weather',
            arguments: '{"city":"Paris"}',
          },
        ],
        stopReason: 'tool_use',
        usage: {
          inputTokens: 500,
          outputTokens: 120,
          cacheReadTokens: 0,
          cacheWriteTokens: 400,
          reasoningTokens: 80,
        },
      }),
      ctx,
    );
    expect(rendered.choices[0].message).toEqual({
      role: 'assistant',
      content: 'Let me look.',
      refusal: null,
      reasoning_content: 'Need the tool.',
      tool_calls: [
        {
          id: 'toolu_01A',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ],
      annotations: [],
    });
    expect(rendered.choices[0].finish_reason).toBe('tool_calls');
    expect(rendered.usage).toEqual({
      prompt_tokens: 500,
      completion_tokens: 120,
      total_tokens: 620,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 400 },
      completion_tokens_details: { reasoning_tokens: 80 },
    });
  });

  it('puts a refusal in message.refusal with content null', () => {
    const { message, finish_reason } = renderChatCompletion(
      answer({
        content: [{ type: 'text', text: "I can't help with that." }],
        stopReason: 'refusal',
      }),
      ctx,
    ).choices[0];
    expect(message).toMatchObject({ content: null, refusal: "I can't help with that." });
    expect(finish_reason).toBe('stop');
  });

  it('derives the id from the request id when the upstream gave none, and keeps a chatcmpl- id', () => {
    expect(renderChatCompletion(answer({ id: '' }), ctx).id).toBe('chatcmpl-7f3a9c');
    expect(renderChatCompletion(answer({ id: 'chatcmpl-abc' }), ctx).id).toBe('chatcmpl-abc');
  });

  it('falls back to the clock for created when the context has no createdAt', () => {
    const plain: ClientContext = { requestId: 'r', sse: false, model: 'm' };
    const before = Math.floor(Date.now() / 1000);
    const { created } = renderChatCompletion(answer(), plain);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe('chatFinishReason (README table)', () => {
  it.each<[HubResponse['stopReason'], string]>([
    ['end_turn', 'stop'],
    ['max_tokens', 'length'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['refusal', 'stop'],
  ])('%s → %s', (stop, finish) => {
    expect(chatFinishReason(stop)).toBe(finish);
  });
});

describe('chat.completion → hub → chat.completion round trip', () => {
  it('gives back the recorded completion (id, model and usage as the gateway renders them)', () => {
    const recorded = fixture('chat-completion.json') as ChatCompletion;
    const rendered = renderChatCompletion(chatCompletionToHub(recorded), {
      ...ctx,
      model: recorded.model,
      createdAt: recorded.created,
    });
    expect(rendered).toEqual({
      id: recorded.id,
      object: 'chat.completion',
      created: recorded.created,
      model: recorded.model,
      choices: [{ ...recorded.choices[0], message: { ...recorded.choices[0].message } }],
      usage: {
        prompt_tokens: 1117,
        completion_tokens: 33,
        total_tokens: 1150,
        prompt_tokens_details: { cached_tokens: 1024 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it.each<HubResponse['stopReason']>([
    'end_turn',
    'max_tokens',
    'tool_use',
    'content_filter',
    'refusal',
  ])('keeps stop reason %s and the content', (stopReason) => {
    const hub = answer({
      content: [
        { type: 'thinking', text: 'why', signature: null },
        { type: 'text', text: 'because' },
        ...(stopReason === 'tool_use'
          ? [{ type: 'tool_call' as const, id: 'call_1', name: 'f', arguments: '{}' }]
          : []),
      ],
      stopReason,
    });
    const back = chatCompletionToHub(renderChatCompletion(hub, ctx));
    expect(back).toEqual({
      ...hub,
      id: 'chatcmpl-01XFDUDYJgAACzvnptvVoYEL',
      model: ctx.model,
    });
  });
});
