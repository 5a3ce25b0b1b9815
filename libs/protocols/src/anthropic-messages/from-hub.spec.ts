// The hub to the Messages API: upstream request bodies the API accepts, round trips through the hub, and the
// message a client gets for an answer from another format.
import { readFileSync } from 'node:fs';
import { hubRequest } from '../hub/hub-request';
import { join } from 'node:path';
import type { HubMessage, HubRequest, HubResponse } from '../hub/hub.types';
import type { ClientContext } from '../hub/protocol-adapter';
import { anthropicMessages } from './anthropic-messages.adapter';

const { upstream, client } = anthropicMessages;

const userSays = (text: string): HubMessage => ({
  role: 'user',
  content: [{ type: 'text', text }],
});

function hub(over: Partial<HubRequest> = {}): HubRequest {
  return hubRequest('gpt-4o', [userSays('hi')], over);
}

function build(request: HubRequest): Record<string, unknown> {
  return JSON.parse(upstream.buildRequest(request, 'claude-sonnet-4-5').body) as Record<
    string,
    unknown
  >;
}

const tool = { name: 'f', description: null, parameters: { type: 'object', properties: {} } };
const callF = (id = 'call_1'): HubMessage => ({
  role: 'assistant',
  content: [{ type: 'tool_call', id, name: 'f', arguments: '{}' }],
});
const resultF = (id = 'call_1'): HubMessage => ({
  role: 'user',
  content: [
    {
      type: 'tool_result',
      toolCallId: id,
      name: 'f',
      content: [{ type: 'text', text: 'ok' }],
      isError: false,
    },
  ],
});

describe('upstream.buildRequest', () => {
  it('sends a minimal request with the default max_tokens to /v1/messages', () => {
    const out = upstream.buildRequest(hub(), 'claude-sonnet-4-5');
    expect(out.path).toBe('/v1/messages');
    expect(out.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(out.body)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
  });

  it('authenticates with x-api-key and the API version', () => {
    expect(upstream.authHeaders('sk-ant-1')).toEqual({
      'x-api-key': 'sk-ant-1',
      'anthropic-version': '2023-06-01',
    });
  });

  it('merges same-role messages, folds a mid-conversation system message into the user turn, results first', () => {
    const body = build(
      hub({
        messages: [
          userSays('a'),
          userSays('b'),
          callF(),
          { role: 'system', content: [{ type: 'text', text: 'Be careful.' }] },
          {
            role: 'user',
            content: [{ type: 'text', text: 'here:' }, ...(resultF().content as never[])],
          },
        ],
        tools: [tool],
      }),
    );
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'f', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'ok' },
          { type: 'text', text: 'Be careful.' },
          { type: 'text', text: 'here:' },
        ],
      },
    ]);
  });

  it('drops what the API refuses: blank text, empty messages, unsigned thinking, trailing whitespace of a prefill', () => {
    const body = build(
      hub({
        messages: [
          userSays('hi'),
          { role: 'user', content: [{ type: 'text', text: ' \n' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 'OpenAI-style reasoning', signature: null },
              {
                type: 'thinking',
                text: 'signed',
                signature: { issuer: 'anthropic', value: 'sig' },
              },
              { type: 'redacted_thinking', data: 'opaque' },
              { type: 'text', text: 'The answer is ' },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'signed', signature: 'sig' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'The answer is' },
        ],
      },
    ]);
  });

  it('sends images by URL and base64 (image/jpg as image/jpeg)', () => {
    const body = build(
      hub({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/jpg', data: '/9j/' } },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } },
        ],
      },
    ]);
  });

  it('keeps tool pairing with ids outside the API pattern, and reads bad arguments as {}', () => {
    const id = 'functions.get_weather:0';
    const body = build(
      hub({
        tools: [tool],
        messages: [
          userSays('hi'),
          {
            role: 'assistant',
            content: [{ type: 'tool_call', id, name: 'f', arguments: '{"a":' }],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                toolCallId: id,
                name: 'f',
                content: [
                  { type: 'text', text: 'failed' },
                  { type: 'image', source: { kind: 'url', url: 'https://x/y.png' } },
                ],
                isError: true,
              },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'functions_get_weather_0', name: 'f', input: {} }],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'functions_get_weather_0',
            content: [
              { type: 'text', text: 'failed' },
              { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
            ],
            is_error: true,
          },
        ],
      },
    ]);
  });

  it('sends tools with an object schema and no null description', () => {
    const body = build(
      hub({
        tools: [
          {
            name: 'a',
            description: 'Does a.',
            parameters: { properties: { x: { type: 'string' } } },
          },
          { name: 'b', description: null, parameters: { type: 'object' } },
        ],
      }),
    );
    expect(body.tools).toEqual([
      {
        name: 'a',
        description: 'Does a.',
        input_schema: { type: 'object', properties: { x: { type: 'string' } } },
      },
      { name: 'b', input_schema: { type: 'object' } },
    ]);
  });

  it.each<[string, Partial<HubRequest>, unknown]>([
    ['auto', { toolChoice: 'auto' }, { type: 'auto' }],
    ['required → any', { toolChoice: 'required' }, { type: 'any' }],
    ['none', { toolChoice: 'none' }, { type: 'none' }],
    ['a named tool', { toolChoice: { name: 'f' } }, { type: 'tool', name: 'f' }],
    [
      'no parallel calls, no choice',
      { parallelToolCalls: false },
      { type: 'auto', disable_parallel_tool_use: true },
    ],
    [
      'no parallel calls with any',
      { toolChoice: 'required', parallelToolCalls: false },
      { type: 'any', disable_parallel_tool_use: true },
    ],
    [
      'none takes no parallel flag',
      { toolChoice: 'none', parallelToolCalls: false },
      { type: 'none' },
    ],
    ['parallel calls allowed is the default', { parallelToolCalls: true }, undefined],
  ])('tool_choice: %s', (_case, over, expected) => {
    expect(build(hub({ tools: [tool], ...over })).tool_choice).toEqual(expected);
  });

  it('sends no tool_choice without tools (the API refuses it)', () => {
    const body = build(hub({ toolChoice: 'required', parallelToolCalls: false }));
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('tools');
  });

  it.each<[string, Partial<HubRequest>, { max_tokens: number; budget: number | null }]>([
    ['no reasoning', {}, { max_tokens: 4096, budget: null }],
    ['max tokens of the hub', { maxTokens: 500 }, { max_tokens: 500, budget: null }],
    [
      'effort minimal',
      { reasoning: { effort: 'minimal', budgetTokens: null } },
      { max_tokens: 5120, budget: 1024 },
    ],
    [
      'effort low',
      { reasoning: { effort: 'low', budgetTokens: null } },
      { max_tokens: 5120, budget: 1024 },
    ],
    [
      'effort medium',
      { reasoning: { effort: 'medium', budgetTokens: null } },
      { max_tokens: 8192, budget: 4096 },
    ],
    [
      'effort high',
      { reasoning: { effort: 'high', budgetTokens: null } },
      { max_tokens: 20480, budget: 16384 },
    ],
    [
      'a budget',
      { reasoning: { effort: null, budgetTokens: 3000 } },
      { max_tokens: 7096, budget: 3000 },
    ],
    [
      'a budget over an effort',
      { reasoning: { effort: 'high', budgetTokens: 2000 } },
      { max_tokens: 6096, budget: 2000 },
    ],
    [
      'a budget under the minimum',
      { reasoning: { effort: null, budgetTokens: 100 } },
      { max_tokens: 5120, budget: 1024 },
    ],
    [
      "Gemini's budget 0 (off)",
      { reasoning: { effort: null, budgetTokens: 0 } },
      { max_tokens: 4096, budget: null },
    ],
    [
      "Gemini's budget -1 (dynamic)",
      { reasoning: { effort: null, budgetTokens: -1 } },
      { max_tokens: 8192, budget: 4096 },
    ],
    [
      'no preference at all',
      { reasoning: { effort: null, budgetTokens: null } },
      { max_tokens: 8192, budget: 4096 },
    ],
    [
      'a budget above the max tokens, halved',
      { maxTokens: 3000, reasoning: { effort: 'high', budgetTokens: null } },
      { max_tokens: 3000, budget: 1500 },
    ],
    [
      'max tokens too small to think in',
      { maxTokens: 1500, reasoning: { effort: 'high', budgetTokens: null } },
      { max_tokens: 1500, budget: null },
    ],
  ])('max_tokens and thinking: %s', (_case, over, { max_tokens, budget }) => {
    const body = build(hub(over));
    expect(body.max_tokens).toBe(max_tokens);
    expect(body.thinking).toEqual(
      budget === null ? undefined : { type: 'enabled', budget_tokens: budget },
    );
  });

  const sampling = { temperature: 0.7, topP: 0.9, topK: 40 };
  const medium = { effort: 'medium' as const, budgetTokens: null };

  it.each<[string, Partial<HubRequest>, Record<string, unknown>]>([
    [
      'temperature and top_k (top_p not next to temperature)',
      sampling,
      { temperature: 0.7, top_k: 40 },
    ],
    ['top_p alone', { topP: 0.9 }, { top_p: 0.9 }],
    ["OpenAI's temperature 2 as the API's 1", { temperature: 2 }, { temperature: 1 }],
    [
      'thinking on: no sampling',
      { ...sampling, reasoning: medium },
      { thinking: expect.anything() },
    ],
    [
      'a forced tool drops thinking, sampling stays',
      { ...sampling, reasoning: medium, tools: [tool], toolChoice: 'required' },
      { temperature: 0.7, top_k: 40 },
    ],
    [
      'a forced named tool drops thinking',
      { reasoning: medium, tools: [tool], toolChoice: { name: 'f' } },
      {},
    ],
    [
      'tool_choice auto keeps thinking',
      { reasoning: medium, tools: [tool], toolChoice: 'auto' },
      { thinking: expect.anything() },
    ],
    [
      'a last tool turn without thinking (another provider) drops thinking',
      { reasoning: medium, tools: [tool], messages: [userSays('hi'), callF(), resultF()] },
      {},
    ],
    [
      'a last tool turn that starts with signed thinking keeps it',
      {
        reasoning: medium,
        tools: [tool],
        messages: [
          userSays('hi'),
          {
            role: 'assistant',
            content: [
              { type: 'thinking', text: 't', signature: { issuer: 'anthropic', value: 's' } },
              ...callF().content,
            ],
          },
          resultF(),
        ],
      },
      { thinking: expect.anything() },
    ],
  ])('sampling: %s', (_case, over, expected) => {
    const body = build(hub(over));
    const keys = ['temperature', 'top_p', 'top_k', 'thinking'];
    expect(Object.fromEntries(keys.filter((k) => k in body).map((k) => [k, body[k]]))).toEqual(
      expected,
    );
  });

  it('drops whitespace-only stop sequences', () => {
    expect(build(hub({ stop: ['\n', 'END'] })).stop_sequences).toEqual(['END']);
    expect(build(hub({ stop: ['\n\n'] }))).not.toHaveProperty('stop_sequences');
  });

  it.each<[string, HubRequest['responseFormat'], string]>([
    [
      'JSON mode',
      { type: 'json_object' },
      'Be brief.\n\nRespond with a single valid JSON object and nothing else: no prose, no code fences.',
    ],
    [
      'a JSON schema',
      { type: 'json_schema', name: 'person', schema: { type: 'object' } },
      'Be brief.\n\nRespond with a single valid JSON object and nothing else: no prose, no code fences. ' +
        'The object must conform to this JSON schema (person): {"type":"object"}',
    ],
  ])('asks for %s in the system prompt', (_case, responseFormat, system) => {
    expect(build(hub({ system: 'Be brief.', responseFormat })).system).toBe(system);
  });

  it('sends the user as metadata.user_id and asks for a stream', () => {
    expect(build(hub({ user: 'u-1', stream: true }))).toMatchObject({
      metadata: { user_id: 'u-1' },
      stream: true,
    });
  });
});

describe('Anthropic → hub → Anthropic round trips', () => {
  function roundTrip(body: Record<string, unknown>): unknown {
    const parsed = client.parseRequest(body, null);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return JSON.parse(upstream.buildRequest(parsed.request, body.model as string).body);
  }

  const png = { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' };

  it('keeps text, images, tools, tool pairing, thinking signatures, stop sequences and sampling', () => {
    const original = {
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      system: 'You are terse.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', source: png },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Zoom first.', signature: 'EqQBCgIYAhIM1gbc' },
            { type: 'text', text: 'Let me zoom.' },
            { type: 'tool_use', id: 'toolu_01', name: 'zoom', input: { factor: 2, area: [0, 0] } },
            { type: 'tool_use', id: 'toolu_02', name: 'zoom', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: 'zoomed' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_02',
              content: [
                { type: 'text', text: 'blurry' },
                { type: 'image', source: png },
              ],
              is_error: true,
            },
            { type: 'text', text: 'And?' },
          ],
        },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'EmwKAhgB' }] },
        { role: 'user', content: [{ type: 'text', text: 'Go on.' }] },
      ],
      tools: [
        {
          name: 'zoom',
          description: 'Zooms in.',
          input_schema: { type: 'object', properties: { factor: { type: 'number' } } },
        },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      temperature: 0.5,
      top_k: 20,
      stop_sequences: ['END', '\n\nHuman:'],
      metadata: { user_id: 'u-1' },
      stream: true,
    };
    expect(roundTrip(original)).toEqual(original);
  });

  it('keeps thinking with its budget, and top_p without temperature', () => {
    const original = {
      model: 'claude-opus-4-1',
      max_tokens: 8192,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Prove it.' }] }],
      thinking: { type: 'enabled', budget_tokens: 4096 },
    };
    expect(roundTrip(original)).toEqual(original);
    const withTopP = { ...original, thinking: undefined, top_p: 0.8 };
    expect(roundTrip(withTopP)).toEqual({ ...original, thinking: undefined, top_p: 0.8 });
  });
});

describe('client.renderResponse', () => {
  const ctx: ClientContext = { requestId: 'req_42', sse: false, model: 'relay-sonnet' };
  const answer = (over: Partial<HubResponse> = {}): HubResponse => ({
    id: 'chatcmpl-abc',
    model: 'gpt-4o-2024-08-06',
    content: [{ type: 'text', text: 'Hello.' }],
    stopReason: 'end_turn',
    stopSequence: null,
    usage: { inputTokens: 1000, outputTokens: 50, cacheReadTokens: 600, cacheWriteTokens: 100 },
    ...over,
  });

  it('renders an answer from another format as a Messages response', () => {
    expect(
      client.renderResponse(
        answer({
          content: [
            { type: 'thinking', text: 'Think.', signature: null },
            { type: 'text', text: 'Calling.' },
            { type: 'tool_call', id: 'call_9', name: 'f', arguments: '{"x":1}' },
          ],
          stopReason: 'tool_use',
        }),
        ctx,
      ),
    ).toEqual({
      id: 'msg_abc',
      type: 'message',
      role: 'assistant',
      model: 'relay-sonnet',
      content: [
        { type: 'thinking', thinking: 'Think.', signature: '' },
        { type: 'text', text: 'Calling.' },
        { type: 'tool_use', id: 'call_9', name: 'f', input: { x: 1 } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      // input_tokens excludes the cache parts, as the API counts it
      usage: {
        input_tokens: 300,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 600,
        output_tokens: 50,
      },
    });
  });

  it.each<[string, Partial<HubResponse>, { stop_reason: string; stop_sequence: string | null }]>([
    ['end_turn', {}, { stop_reason: 'end_turn', stop_sequence: null }],
    [
      'max_tokens',
      { stopReason: 'max_tokens' },
      { stop_reason: 'max_tokens', stop_sequence: null },
    ],
    [
      'stop_sequence with the sequence',
      { stopReason: 'stop_sequence', stopSequence: 'END' },
      { stop_reason: 'stop_sequence', stop_sequence: 'END' },
    ],
    [
      'content_filter → refusal',
      { stopReason: 'content_filter' },
      { stop_reason: 'refusal', stop_sequence: null },
    ],
    ['refusal', { stopReason: 'refusal' }, { stop_reason: 'refusal', stop_sequence: null }],
  ])('stop reason: %s', (_case, over, expected) => {
    expect(client.renderResponse(answer(over), ctx)).toMatchObject(expected);
  });

  it.each<[string, string]>([
    ['msg_01abc', 'msg_01abc'],
    ['chatcmpl-xyz', 'msg_xyz'],
    ['resp_123', 'msg_123'],
    ['', 'msg_42'],
  ])('derives the id from %p', (id, expected) => {
    expect(client.renderResponse(answer({ id }), ctx)).toMatchObject({ id: expected });
  });

  it('gives back a recorded message unchanged through the hub (but the model the client named)', () => {
    const recorded = JSON.parse(
      readFileSync(join(__dirname, '__fixtures__', 'message-response.json'), 'utf8'),
    ) as { usage: Record<string, unknown> };
    const rendered = client.renderResponse(upstream.parseResponse(recorded), ctx);
    const { cache_creation: _c, service_tier: _s, ...usage } = recorded.usage;
    expect(rendered).toEqual({ ...recorded, model: 'relay-sonnet', usage });
  });
});
