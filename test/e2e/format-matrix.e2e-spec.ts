// Every client format against every upstream channel type (CONTRACT §1: "any ingress format may be served by a
// channel of any upstream type"), each cell driven by the official SDK of the client format and checked twice:
// in what the SDK returns, and in the request the fake upstream received.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI as GoogleGenAIType } from '@google/genai' with {
  'resolution-mode': 'import',
};
import {
  Deployment,
  FakeAnthropic,
  FakeGemini,
  FakeOpenAI,
  RecordedRequest,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import OpenAI from 'openai';

// @google/genai ships types only for its ES module build; its CommonJS build is what jest loads here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GoogleGenAI } = require('@google/genai') as { GoogleGenAI: typeof GoogleGenAIType };

type ClientName = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini';
type Upstream = 'openai' | 'anthropic' | 'gemini';

const SYSTEM = 'Answer briefly.';

/** One way of asking, per client format: the official SDK, non-stream or stream, returning the text. */
const drivers: Record<
  ClientName,
  (relay: Deployment, key: string, model: string, text: string, stream: boolean) => Promise<string>
> = {
  'openai-chat': async (relay, key, model, text, stream) => {
    const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: text },
    ];
    if (!stream) {
      const completion = await client.chat.completions.create({ model, messages, max_tokens: 256 });
      expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
      return completion.choices[0].message.content ?? '';
    }
    let out = '';
    for await (const chunk of await client.chat.completions.create({
      model,
      messages,
      max_tokens: 256,
      stream: true,
    })) {
      out += chunk.choices[0]?.delta.content ?? '';
    }
    return out;
  },
  'openai-responses': async (relay, key, model, text, stream) => {
    const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    const params = { model, instructions: SYSTEM, input: text, max_output_tokens: 256 };
    if (!stream) {
      const response = await client.responses.create(params);
      expect(response.usage?.input_tokens).toBeGreaterThan(0);
      return response.output_text;
    }
    let out = '';
    let completed = false;
    for await (const event of await client.responses.create({ ...params, stream: true })) {
      if (event.type === 'response.output_text.delta') out += event.delta;
      if (event.type === 'response.completed') completed = true;
    }
    expect(completed).toBe(true);
    return out;
  },
  anthropic: async (relay, key, model, text, stream) => {
    const client = new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });
    const params = {
      model,
      max_tokens: 256,
      system: SYSTEM,
      messages: [{ role: 'user' as const, content: text }],
    };
    if (!stream) {
      const message = await client.messages.create(params);
      expect(
        message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0),
      ).toBeGreaterThan(0);
      return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    }
    let out = '';
    let stopped = false;
    for await (const event of await client.messages.create({ ...params, stream: true })) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        out += event.delta.text;
      }
      if (event.type === 'message_stop') stopped = true;
    }
    expect(stopped).toBe(true);
    return out;
  },
  gemini: async (relay, key, model, text, stream) => {
    const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relay.url } });
    const params = {
      model,
      contents: text,
      config: { systemInstruction: SYSTEM, maxOutputTokens: 256 },
    };
    if (!stream) {
      const response = await ai.models.generateContent(params);
      expect(response.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
      return response.text ?? '';
    }
    let out = '';
    for await (const chunk of await ai.models.generateContentStream(params)) {
      out += chunk.text ?? '';
    }
    return out;
  },
};

/** What the upstream must have received: its own path, the mapped model, the system prompt in its own place. */
function expectUpstreamRequest(
  client: ClientName,
  upstream: Upstream,
  request: RecordedRequest,
  stream: boolean,
): void {
  const body = request.body as Record<string, unknown>;
  if (client === 'openai-responses' && upstream === 'openai') {
    // A pass-through: the Responses request as the client sent it, only the model mapped.
    expect(request.path).toBe('/v1/responses');
    expect(body).toMatchObject({ model: 'gpt-upstream', instructions: SYSTEM });
    expect(body['stream']).toBe(stream ? true : undefined);
    return;
  }
  switch (upstream) {
    case 'openai':
      expect(request.path).toBe('/v1/chat/completions');
      expect(body).toMatchObject({ model: 'gpt-upstream' });
      expect((body['messages'] as { role: string }[])[0]).toMatchObject({
        role: 'system',
        content: SYSTEM,
      });
      if (stream) {
        expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
      }
      break;
    case 'anthropic':
      expect(request.path).toBe('/v1/messages');
      expect(body).toMatchObject({ model: 'claude-upstream', max_tokens: 256 });
      expect(JSON.stringify(body['system'])).toContain(SYSTEM);
      break;
    case 'gemini':
      expect(request.path).toBe(
        `/v1beta/models/gemini-upstream:${stream ? 'streamGenerateContent' : 'generateContent'}`,
      );
      expect(JSON.stringify(body['systemInstruction'])).toContain(SYSTEM);
      break;
  }
}

describe('every client format × every channel type (embedded)', () => {
  let relay: Deployment;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  let key: string;
  const fakes = () => ({ openai, anthropic, gemini });

  beforeAll(async () => {
    [openai, anthropic, gemini] = await Promise.all([
      FakeOpenAI.start(),
      FakeAnthropic.start(),
      FakeGemini.start(),
    ]);
    relay = await startDeployment('embedded');
    const channels = [
      {
        name: 'oai',
        type: 'openai',
        base_url: openai.url,
        keys: ['sk-up-openai'],
        model_mapping: { 'gpt-public': 'gpt-upstream' },
      },
      {
        name: 'ant',
        type: 'anthropic',
        base_url: anthropic.url,
        keys: ['sk-ant-up'],
        model_mapping: { 'claude-public': 'claude-upstream' },
      },
      {
        name: 'gem',
        type: 'gemini',
        base_url: gemini.url,
        keys: ['AIza-up-gemini'],
        model_mapping: { 'gemini-public': 'gemini-upstream' },
      },
    ];
    for (const channel of channels) {
      expect((await relay.admin('POST', '/channels', channel)).status).toBe(201);
    }
    key = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'matrix' })).body.key;
    await waitFor(
      async () =>
        (
          (await fetch(`${relay.url}/v1/models`, {
            headers: { authorization: `Bearer ${key}` },
          }).then((r) => r.json())) as { data: unknown[] }
        ).data.length === 3,
      { what: 'three models routable' },
    );
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([openai?.close(), anthropic?.close(), gemini?.close()]);
  });

  const clients: ClientName[] = ['openai-chat', 'openai-responses', 'anthropic', 'gemini'];
  const upstreams: [Upstream, string][] = [
    ['openai', 'gpt-public'],
    ['anthropic', 'claude-public'],
    ['gemini', 'gemini-public'],
  ];
  const cells = clients.flatMap((client) =>
    upstreams.flatMap(([upstream, model]) =>
      [false, true].map((stream) => [client, upstream, model, stream] as const),
    ),
  );

  /** Each fake asked to call `get_weather` with `args`, whatever the question. */
  const scriptToolCalls = (args: Record<string, unknown>) => {
    openai.setResponder(() => ({
      toolCalls: [{ name: 'get_weather', arguments: JSON.stringify(args) }],
    }));
    anthropic.setResponder(() => ({ toolCalls: [{ name: 'get_weather', input: args }] }));
    gemini.setResponder(() => ({ functionCalls: [{ name: 'get_weather', args }] }));
  };
  const resetFakes = () => {
    openai.reset();
    anthropic.reset();
    gemini.reset();
  };
  const toolCells = upstreams.flatMap(([upstream, model]) =>
    [false, true].map((stream) => [upstream, model, stream] as const),
  );

  it.each(cells)('%s → %s channel (%s, stream %s)', async (client, upstream, model, stream) => {
    const fake = fakes()[upstream];
    fake.reset();
    const text = `matrix ${client} ${upstream} ${stream ? 'stream' : 'once'}`;
    const answer = await drivers[client](relay, key, model, text, stream);
    expect(answer).toBe(`Hello from fake-${upstream}! You said: ${text}`);
    expect(fake.requests).toHaveLength(1);
    expectUpstreamRequest(client, upstream, fake.lastRequest()!, stream);
  });

  it('should pass a request the hub cannot translate (n > 1) to a same-format channel, and refuse it elsewhere', async () => {
    openai.reset();
    const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'two answers' },
    ];
    await client.chat.completions.create({ model: 'gpt-public', messages, n: 2 });
    expect(openai.lastRequest()!.body).toMatchObject({ model: 'gpt-upstream', n: 2 });
    anthropic.reset();
    await expect(
      client.chat.completions.create({ model: 'claude-public', messages, n: 2 }),
    ).rejects.toMatchObject({ status: 400, param: 'n' });
    expect(anthropic.requests).toHaveLength(0);
  });

  it("should fold Claude Code's mid-conversation system message on an Anthropic pass-through", async () => {
    anthropic.reset();
    const res = await fetch(`${relay.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        'x-api-key': key,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'interleaved-thinking-2025-05-14',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'claude-public',
        max_tokens: 64,
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'noted' },
          { role: 'system', content: 'a reminder from the harness' },
          { role: 'user', content: 'second' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const sent = anthropic.lastRequest()!;
    expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    const messages = (sent.body as { messages: { role: string; content: unknown }[] }).messages;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(messages[2].content)).toContain('a reminder from the harness');
  });

  describe('tool calls from the OpenAI Chat SDK, on every channel type', () => {
    const weatherTool: OpenAI.ChatCompletionTool = {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    };
    const args = { city: 'Paris' };

    beforeEach(() => scriptToolCalls(args));
    afterEach(resetFakes);

    it.each(toolCells)(
      '%s channel (%s, stream %s): the call, then its result paired back',
      async (upstream, model, stream) => {
        const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
        const messages: OpenAI.ChatCompletionMessageParam[] = [
          { role: 'user', content: 'weather in Paris?' },
        ];
        let call: { id: string; name: string; arguments: string };
        if (!stream) {
          const completion = await client.chat.completions.create({
            model,
            messages,
            tools: [weatherTool],
          });
          expect(completion.choices[0].finish_reason).toBe('tool_calls');
          const toolCall = completion.choices[0].message.tool_calls![0];
          if (toolCall.type !== 'function') throw new Error('expected a function call');
          call = {
            id: toolCall.id,
            name: toolCall.function.name,
            arguments: toolCall.function.arguments,
          };
        } else {
          const parts: { id: string; name: string; arguments: string } = {
            id: '',
            name: '',
            arguments: '',
          };
          let finish: string | null = null;
          for await (const chunk of await client.chat.completions.create({
            model,
            messages,
            tools: [weatherTool],
            stream: true,
          })) {
            const delta = chunk.choices[0]?.delta.tool_calls?.[0];
            if (delta?.id) parts.id = delta.id;
            if (delta?.function?.name) parts.name = delta.function.name;
            parts.arguments += delta?.function?.arguments ?? '';
            finish = chunk.choices[0]?.finish_reason ?? finish;
          }
          expect(finish).toBe('tool_calls');
          call = parts;
        }
        expect(call.name).toBe('get_weather');
        expect(JSON.parse(call.arguments)).toEqual(args);
        expect(call.id).toBeTruthy();

        // The result goes back paired with its call; the upstream validates the pairing in its own format.
        const fake = fakes()[upstream];
        fake.reset();
        const followUp = await client.chat.completions.create({
          model,
          tools: [weatherTool],
          messages: [
            ...messages,
            {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments },
                },
              ],
            },
            { role: 'tool', tool_call_id: call.id, content: 'sunny, 21°C' },
          ],
        });
        expect(followUp.choices[0].message.content).toContain('Hello from fake-');
        expect(JSON.stringify(fake.lastRequest()!.body)).toContain('sunny, 21°C');
      },
    );
  });

  describe('tool calls from the Anthropic SDK (the Claude Code path), on every channel type', () => {
    const tool: Anthropic.Tool = {
      name: 'get_weather',
      description: 'Weather for a city',
      input_schema: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      },
    };
    const args = { city: 'Lyon' };

    beforeEach(() => scriptToolCalls(args));
    afterEach(resetFakes);

    it.each(upstreams)(
      '%s channel (%s): streamed tool_use, then the tool_result paired back',
      async (upstream, model) => {
        const client = new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });
        const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'weather in Lyon?' }];
        let id = '';
        let name = '';
        let json = '';
        let stopReason: string | null = null;
        for await (const event of await client.messages.create({
          model,
          max_tokens: 256,
          tools: [tool],
          messages,
          stream: true,
        })) {
          if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
            id = event.content_block.id;
            name = event.content_block.name;
          }
          if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
            json += event.delta.partial_json;
          }
          if (event.type === 'message_delta') stopReason = event.delta.stop_reason;
        }
        expect(stopReason).toBe('tool_use');
        expect(name).toBe('get_weather');
        expect(JSON.parse(json)).toEqual(args);

        const fake = fakes()[upstream];
        fake.reset();
        const followUp = await client.messages.create({
          model,
          max_tokens: 256,
          tools: [tool],
          messages: [
            ...messages,
            { role: 'assistant', content: [{ type: 'tool_use', id, name, input: args }] },
            {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: id, content: 'cloudy, 14°C' }],
            },
          ],
        });
        expect(followUp.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toContain(
          'Hello from fake-',
        );
        expect(JSON.stringify(fake.lastRequest()!.body)).toContain('cloudy, 14°C');
      },
    );
  });

  describe('tool calls from the OpenAI Responses SDK, on every channel type', () => {
    const tools: OpenAI.Responses.Tool[] = [
      {
        type: 'function',
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
        strict: false,
      },
    ];
    const args = { city: 'Rome' };
    beforeEach(() => scriptToolCalls(args));
    afterEach(resetFakes);

    it.each(toolCells)(
      '%s channel (%s, stream %s): a function_call, then its output paired back',
      async (upstream, model, stream) => {
        const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
        const question = 'weather in Rome?';
        let output: OpenAI.Responses.ResponseOutputItem[] = [];
        if (!stream) {
          output = (await client.responses.create({ model, input: question, tools })).output;
        } else {
          let argumentDeltas = '';
          for await (const event of await client.responses.create({
            model,
            input: question,
            tools,
            stream: true,
          })) {
            if (event.type === 'response.function_call_arguments.delta') {
              argumentDeltas += event.delta;
            }
            if (event.type === 'response.completed') output = event.response.output;
          }
          expect(JSON.parse(argumentDeltas)).toEqual(args);
        }
        const call = output.find(
          (item): item is OpenAI.Responses.ResponseFunctionToolCall =>
            item.type === 'function_call',
        );
        expect(call?.name).toBe('get_weather');
        expect(JSON.parse(call!.arguments)).toEqual(args);

        const fake = fakes()[upstream];
        fake.reset();
        const followUp = await client.responses.create({
          model,
          tools,
          input: [
            { role: 'user', content: question },
            {
              type: 'function_call',
              call_id: call!.call_id,
              name: call!.name,
              arguments: call!.arguments,
            },
            { type: 'function_call_output', call_id: call!.call_id, output: 'windy, 18°C' },
          ],
        });
        expect(followUp.output_text).toContain('Hello from fake-');
        expect(JSON.stringify(fake.lastRequest()!.body)).toContain('windy, 18°C');
      },
    );
  });

  describe('tool calls from the Gemini SDK, on every channel type', () => {
    const config = {
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather for a city',
              parametersJsonSchema: {
                type: 'object',
                properties: { city: { type: 'string' } },
                required: ['city'],
              },
            },
          ],
        },
      ],
    };
    const args = { city: 'Oslo' };
    beforeEach(() => scriptToolCalls(args));
    afterEach(resetFakes);

    it.each(toolCells)(
      '%s channel (%s, stream %s): a functionCall, then its functionResponse paired back',
      async (upstream, model, stream) => {
        const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relay.url } });
        const question = { role: 'user', parts: [{ text: 'weather in Oslo?' }] };
        // The model turn as the client got it (thought signatures included), to send back as history.
        let modelParts: Record<string, unknown>[] = [];
        if (!stream) {
          const answer = await ai.models.generateContent({ model, contents: [question], config });
          modelParts = (answer.candidates?.[0]?.content?.parts ?? []) as Record<string, unknown>[];
        } else {
          for await (const chunk of await ai.models.generateContentStream({
            model,
            contents: [question],
            config,
          })) {
            modelParts.push(
              ...((chunk.candidates?.[0]?.content?.parts ?? []) as Record<string, unknown>[]),
            );
          }
        }
        const call = modelParts.find((part) => part['functionCall'])?.['functionCall'] as
          { id?: string; name: string; args: Record<string, unknown> } | undefined;
        expect(call?.name).toBe('get_weather');
        expect(call?.args).toEqual(args);

        const fake = fakes()[upstream];
        fake.reset();
        const followUp = await ai.models.generateContent({
          model,
          config,
          contents: [
            question,
            { role: 'model', parts: modelParts },
            {
              role: 'user',
              parts: [
                {
                  functionResponse: {
                    ...(call!.id ? { id: call!.id } : {}),
                    name: call!.name,
                    response: { content: 'snow, -3°C' },
                  },
                },
              ],
            },
          ],
        });
        expect(followUp.text).toContain('Hello from fake-');
        expect(JSON.stringify(fake.lastRequest()!.body)).toContain('snow, -3°C');
      },
    );
  });

  describe('Gemini CLI on a Claude channel: a tool turn with thinking, replayed as the CLI replays it', () => {
    const config = {
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'run_shell_command',
              parametersJsonSchema: {
                type: 'object',
                properties: { command: { type: 'string' } },
                required: ['command'],
              },
            },
          ],
        },
      ],
    };
    const question = { role: 'user', parts: [{ text: 'list the files' }] };
    const toolResult = {
      role: 'user',
      parts: [
        { functionResponse: { name: 'run_shell_command', response: { output: 'README.md' } } },
      ],
    };
    afterEach(resetFakes);

    /** The first turn as Gemini CLI streams it: Claude thinks, then calls the shell tool. */
    async function firstTurn(
      ai: InstanceType<typeof GoogleGenAI>,
    ): Promise<Record<string, unknown>[]> {
      anthropic.setResponder((request) =>
        request.messages.length === 1
          ? {
              thinking: { text: 'I should list the directory.' },
              toolCalls: [{ name: 'run_shell_command', input: { command: 'ls' } }],
            }
          : { text: 'There is a README.' },
      );
      const parts: Record<string, unknown>[] = [];
      for await (const chunk of await ai.models.generateContentStream({
        model: 'claude-public',
        contents: [question],
        config,
      })) {
        parts.push(...((chunk.candidates?.[0]?.content?.parts ?? []) as Record<string, unknown>[]));
      }
      return parts;
    }

    it('puts the signature on the functionCall; the history without thought parts gets Claude its signed thinking back', async () => {
      const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relay.url } });
      const parts = await firstTurn(ai);
      const call = parts.find((part) => part['functionCall']);
      expect(call?.['thoughtSignature']).toEqual(expect.any(String));
      expect(parts.filter((p) => p['thought'] === true && p['thoughtSignature'])).toEqual([]);

      // Gemini CLI keeps the call, drops thought parts.
      const answer = await ai.models.generateContent({
        model: 'claude-public',
        config,
        contents: [question, { role: 'model', parts: [call!] }, toolResult],
      });
      expect(answer.text).toBe('There is a README.');
      const sent = anthropic.lastRequest()!.body as {
        messages: { content: { type: string; thinking?: string }[] }[];
        thinking?: unknown;
      };
      expect(sent.messages[1].content[0]).toMatchObject({
        type: 'thinking',
        thinking: 'I should list the directory.',
      });
      expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    });

    it.each(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go'])(
      'a replay carrying the placeholder %s on the functionCall reaches Claude without a thinking block',
      async (placeholder) => {
        const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relay.url } });
        const call = (await firstTurn(ai)).find((part) => part['functionCall'])!;
        const answer = await ai.models.generateContent({
          model: 'claude-public',
          config,
          contents: [
            question,
            { role: 'model', parts: [{ ...call, thoughtSignature: placeholder }] },
            toolResult,
          ],
        });
        expect(answer.text).toBe('There is a README.');
        const sent = JSON.stringify(anthropic.lastRequest()!.body);
        expect(sent).not.toContain(placeholder);
        expect(sent).not.toContain('"type":"thinking"');
      },
    );
  });

  describe("Codex CLI's first request (namespace tools, a custom tool, hosted web_search), on every channel type", () => {
    const codex = JSON.parse(
      readFileSync(
        join(
          __dirname,
          '../../libs/protocols/src/openai-responses/__fixtures__/codex-first-request.json',
        ),
        'utf8',
      ),
    ) as Record<string, unknown>;
    const args = { message: 'review the diff' };
    afterEach(resetFakes);

    it.each(upstreams.filter(([upstream]) => upstream !== 'openai'))(
      '%s channel (%s): accepted, and the namespaced call comes back namespaced',
      async (upstream, model) => {
        const flat = 'multi_agent_v1__spawn_agent';
        openai.setResponder(() => ({
          toolCalls: [{ name: flat, arguments: JSON.stringify(args) }],
        }));
        anthropic.setResponder(() => ({ toolCalls: [{ name: flat, input: args }] }));
        gemini.setResponder(() => ({ functionCalls: [{ name: flat, args }] }));
        const response = await fetch(`${relay.url}/v1/responses`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...codex, model }),
        });
        expect(response.status).toBe(200);
        const events = (await response.text())
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>);
        const completed = events.find((e) => e['type'] === 'response.completed') as {
          response: { output: Record<string, unknown>[] };
        };
        expect(completed.response.output).toContainEqual(
          expect.objectContaining({
            type: 'function_call',
            name: 'spawn_agent',
            namespace: 'multi_agent_v1',
            arguments: JSON.stringify(args),
          }),
        );
        const sent = JSON.stringify(fakes()[upstream].lastRequest()!.body);
        expect(sent).toContain(flat);
        // Web search: Anthropic's own server tool there; dropped for Gemini before 3.
        expect(sent.includes('web_search_20250305')).toBe(upstream === 'anthropic');
      },
    );

    it('openai channel: passed through to /v1/responses, every tool as Codex wrote it', async () => {
      openai.setResponder(() => ({
        toolCalls: [{ name: 'exec_command', arguments: JSON.stringify({ cmd: 'ls' }) }],
      }));
      const response = await fetch(`${relay.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...codex, model: 'gpt-public' }),
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('"name":"exec_command"');
      const sent = openai.lastRequest()!;
      expect(sent.path).toBe('/v1/responses');
      expect(sent.body).toEqual({ ...codex, model: 'gpt-upstream' });
    });
  });

  describe('images and sampling parameters, every client format on every channel type', () => {
    // A 1×1 PNG.
    const PNG =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const DATA_URL = `data:image/png;base64,${PNG}`;
    const IMAGE_URL = 'https://example.com/cat.png';
    const ask = 'what is in this picture?';

    /** Asks with an image (base64, or a URL), temperature 0.3, top_p 0.9, 77 output tokens and stop "STOP". */
    const askWithImage: Record<ClientName, (model: string, url?: string) => Promise<string>> = {
      'openai-chat': async (model, url) => {
        const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
        const completion = await client.chat.completions.create({
          model,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: ask },
                { type: 'image_url', image_url: { url: url ?? DATA_URL } },
              ],
            },
          ],
          temperature: 0.3,
          top_p: 0.9,
          max_tokens: 77,
          stop: ['STOP'],
        });
        return completion.choices[0].message.content ?? '';
      },
      'openai-responses': async (model) => {
        const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
        const response = await client.responses.create({
          model,
          input: [
            {
              role: 'user',
              content: [
                { type: 'input_text', text: ask },
                { type: 'input_image', image_url: DATA_URL, detail: 'auto' },
              ],
            },
          ],
          temperature: 0.3,
          top_p: 0.9,
          max_output_tokens: 77,
        });
        return response.output_text;
      },
      anthropic: async (model) => {
        const client = new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });
        const message = await client.messages.create({
          model,
          max_tokens: 77,
          // Sampling parameters are no longer in this SDK's types; the API still takes them.
          ...({ temperature: 0.3, top_p: 0.9 } as object),
          stop_sequences: ['STOP'],
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: ask },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              ],
            },
          ],
        });
        return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      },
      gemini: async (model) => {
        const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relay.url } });
        const response = await ai.models.generateContent({
          model,
          contents: [
            {
              role: 'user',
              parts: [{ text: ask }, { inlineData: { mimeType: 'image/png', data: PNG } }],
            },
          ],
          config: { temperature: 0.3, topP: 0.9, maxOutputTokens: 77, stopSequences: ['STOP'] },
        });
        return response.text ?? '';
      },
    };

    /** The user turn's parts as the upstream received them. */
    const userParts = (upstream: Upstream, body: Record<string, unknown>): unknown[] => {
      const turns = (upstream === 'gemini' ? body['contents'] : body['messages']) as Record<
        string,
        unknown
      >[];
      const user = turns.find((turn) => turn['role'] === 'user')!;
      return (upstream === 'gemini' ? user['parts'] : user['content']) as unknown[];
    };

    /** The image in the upstream's own shape. */
    const expectedImage = (upstream: Upstream, url?: string): unknown => {
      switch (upstream) {
        case 'openai':
          return {
            type: 'image_url',
            image_url: expect.objectContaining({ url: url ?? DATA_URL }),
          };
        case 'anthropic':
          return {
            type: 'image',
            source: url
              ? { type: 'url', url }
              : { type: 'base64', media_type: 'image/png', data: PNG },
          };
        case 'gemini':
          return url
            ? { fileData: { mimeType: 'image/png', fileUri: url } }
            : { inlineData: { mimeType: 'image/png', data: PNG } };
      }
    };

    /** Sampling parameters in the upstream's own names (Responses has no stop sequences). */
    const expectParams = (
      client: ClientName,
      upstream: Upstream,
      body: Record<string, unknown>,
    ) => {
      const stop = client === 'openai-responses' ? undefined : ['STOP'];
      switch (upstream) {
        case 'openai':
          expect(body['temperature']).toBe(0.3);
          expect(body['top_p']).toBe(0.9);
          // Pass-through keeps the client's `max_tokens`; translation writes `max_completion_tokens`.
          expect(body['max_tokens'] ?? body['max_completion_tokens']).toBe(77);
          expect(body['stop']).toEqual(stop);
          break;
        case 'anthropic':
          expect(body['temperature']).toBe(0.3);
          // Translation leaves top_p out next to temperature (newer Claude models refuse both).
          expect(body['top_p']).toBe(client === 'anthropic' ? 0.9 : undefined);
          expect(body['max_tokens']).toBe(77);
          expect(body['stop_sequences']).toEqual(stop);
          break;
        case 'gemini':
          expect(body['generationConfig']).toEqual(
            expect.objectContaining({
              temperature: 0.3,
              topP: 0.9,
              maxOutputTokens: 77,
              ...(stop ? { stopSequences: stop } : {}),
            }),
          );
          break;
      }
    };

    afterEach(resetFakes);

    it.each(
      clients.flatMap((client) => upstreams.map(([up, model]) => [client, up, model] as const)),
    )(
      '%s → %s channel (%s): a base64 image, temperature, top_p, max tokens, stop',
      async (client, upstream, model) => {
        const fake = fakes()[upstream];
        fake.reset();
        expect(await askWithImage[client](model)).toContain(`Hello from fake-${upstream}!`);
        const body = fake.lastRequest()!.body as Record<string, unknown>;
        if (client === 'openai-responses' && upstream === 'openai') {
          // A pass-through: the image part and the parameters as the client sent them.
          expect(JSON.stringify(body['input'])).toContain(`"image_url":"${DATA_URL}"`);
          expect(body).toMatchObject({ temperature: 0.3, top_p: 0.9, max_output_tokens: 77 });
          return;
        }
        expect(userParts(upstream, body)).toContainEqual(expectedImage(upstream));
        expectParams(client, upstream, body);
      },
    );

    it.each(upstreams)(
      'an image by URL reaches a %s channel in its own shape',
      async (upstream, model) => {
        const fake = fakes()[upstream];
        fake.reset();
        expect(await askWithImage['openai-chat'](model, IMAGE_URL)).toContain('Hello from fake-');
        const body = fake.lastRequest()!.body as Record<string, unknown>;
        expect(userParts(upstream, body)).toContainEqual(expectedImage(upstream, IMAGE_URL));
      },
    );
  });
});
