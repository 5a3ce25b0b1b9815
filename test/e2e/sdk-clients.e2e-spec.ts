// The application frameworks people put in front of a gateway, unmodified, against relaymesh on every channel
// type: the Vercel AI SDK (`ai` with `@ai-sdk/openai`, `@ai-sdk/anthropic`, `@ai-sdk/google`) and LangChain JS
// (`ChatOpenAI`, `ChatAnthropic`), each configured the way the README's "Use it with" section says. Each does
// a generation, a stream and a tool call with its result sent back (and, with the AI SDK, a second turn of a
// conversation), checked in what the framework returns.
//
// `ai` v7, `@ai-sdk/*` v4 and `@langchain/openai` 1.x declare Node >= 22; on Node 20.20 everything used here
// works, so they run on both. The AI SDK is ES modules only, which jest's CommonJS runtime cannot load: its
// application (clients/ai-sdk-client.mts, type-checked with the rest) is compiled here and run by node.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ChatAnthropic } from '@langchain/anthropic';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { transformFile } from '@swc/core';
import {
  AnthropicContentBlock,
  AnthropicRequestBody,
  ChatRequestBody,
  ClientChannel,
  Deployment,
  FakeAnthropic,
  FakeGemini,
  FakeOpenAI,
  GeminiRequestBody,
  startClientGateway,
  stopClientGateway,
} from '@relaymesh/testing';

const ROOT = resolve(__dirname, '../..');
const AI_SDK_SOURCE = join(__dirname, 'clients/ai-sdk-client.mts');
// Inside the repository, so the compiled module resolves `ai` and `@ai-sdk/*` from its node_modules.
const AI_SDK_COMPILED = join(ROOT, 'dist/test/e2e/clients/ai-sdk-client.mjs');

const HELLO = 'Hello from the fake model behind relaymesh.';
const AGAIN = 'Hello again, with the first answer in view.';
const FORECAST = 'sunny-relaymesh-3920';
// A Gemini 3 name on the Gemini channel: the fake then refuses a function call replayed without its signature.
const CHANNELS = [
  { type: 'openai', model: 'sdk-gpt' },
  { type: 'anthropic', model: 'sdk-claude' },
  { type: 'gemini', model: 'gemini-3-flash-preview' },
] as const satisfies readonly ClientChannel[];

/** The fake model's script, the same on every upstream: call get_weather when given tools, then quote it. */
function finalAnswer(toolOutput: string): string {
  return `The forecast is ${toolOutput.includes(FORECAST) ? FORECAST : 'unknown'}.`;
}

/** Hello, or, asked again with the earlier answer in the conversation, that it is saying it again. */
function reply(conversation: string): string {
  return conversation.includes('Say it again.') && conversation.includes(HELLO) ? AGAIN : HELLO;
}

function scriptFakes(openai: FakeOpenAI, anthropic: FakeAnthropic, gemini: FakeGemini): void {
  const call = { city: 'Paris' };
  openai.setResponder((request: ChatRequestBody) => {
    const last = request.messages.at(-1);
    if (last?.role === 'tool') return { text: finalAnswer(JSON.stringify(last.content)) };
    if ((request.tools ?? []).length > 0) {
      return { toolCalls: [{ name: 'get_weather', arguments: JSON.stringify(call) }] };
    }
    return { text: reply(JSON.stringify(request.messages)) };
  });
  anthropic.setResponder((request: AnthropicRequestBody) => {
    const last = request.messages.at(-1);
    const result =
      last && typeof last.content !== 'string'
        ? last.content.find((b: AnthropicContentBlock) => b.type === 'tool_result')
        : undefined;
    if (result) return { text: finalAnswer(JSON.stringify(result['content'])) };
    if ((request.tools ?? []).length > 0) {
      return { toolCalls: [{ name: 'get_weather', input: call }] };
    }
    return { text: reply(JSON.stringify(request.messages)) };
  });
  gemini.setResponder((request: GeminiRequestBody) => {
    const response = request.contents.at(-1)?.parts.find((p) => p.functionResponse);
    if (response) return { text: finalAnswer(JSON.stringify(response.functionResponse)) };
    if ((request.tools ?? []).length > 0) {
      return { functionCalls: [{ name: 'get_weather', args: call }] };
    }
    return { text: reply(JSON.stringify(request.contents)) };
  });
}

interface AiSdkResult {
  generate: { text: string };
  conversation: { text: string; byReference: string | null };
  stream: { text: string; chunks: number };
  tool: { text: string; steps: number; calls: { name: string; input: unknown }[] };
}

function runNode(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done(stdout) : fail(new Error(`exit ${code}: ${stderr || stdout}`)),
    );
  });
}

describe('application SDKs through relaymesh (Vercel AI SDK, LangChain JS)', () => {
  let relay: Deployment;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  let key: string;

  beforeAll(async () => {
    const compiled = await transformFile(AI_SDK_SOURCE, {
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    mkdirSync(join(AI_SDK_COMPILED, '..'), { recursive: true });
    writeFileSync(AI_SDK_COMPILED, compiled.code);

    ({
      relay,
      clientKey: key,
      fakes: { openai, anthropic, gemini },
    } = await startClientGateway({
      label: 'sdk_clients',
      channelPrefix: 'sdk',
      keyName: 'sdk-clients',
      channels: CHANNELS,
    }));
    scriptFakes(openai, anthropic, gemini);
  }, 90_000);

  afterAll(async () => {
    await stopClientGateway({ relay, fakes: { openai, anthropic, gemini } });
  });

  describe('Vercel AI SDK (ai v7): generateText, streamText, a tool loop', () => {
    const cases = (['openai', 'anthropic', 'google'] as const).flatMap((provider) =>
      CHANNELS.map(({ type, model }) => ({ provider, type, model })),
    );

    it.each(cases)(
      '@ai-sdk/$provider over the $type channel',
      async ({ provider, type, model }) => {
        const stored = type === 'openai';
        const output = await runNode(
          [AI_SDK_COMPILED, JSON.stringify({ relayUrl: relay.url, key, provider, model, stored })],
          { FORECAST },
        );
        const result = JSON.parse(output) as AiSdkResult;
        expect(result.generate.text).toBe(HELLO);
        expect(result.conversation.text).toBe(AGAIN);
        if (provider === 'openai' && !stored) {
          // The earlier answer sent by reference cannot be resolved off OpenAI: the message says what to do.
          expect(result.conversation.byReference).toContain('store: false');
        }
        expect(result.stream.text).toBe(HELLO);
        expect(result.stream.chunks).toBeGreaterThan(1);
        expect(result.tool.calls).toEqual([{ name: 'get_weather', input: { city: 'Paris' } }]);
        expect(result.tool.steps).toBe(2);
        expect(result.tool.text).toBe(finalAnswer(FORECAST));
      },
    );
  });

  describe('LangChain JS: invoke, stream, a tool call and its result', () => {
    const chatModels: Record<'ChatOpenAI' | 'ChatAnthropic', (model: string) => BaseChatModel> = {
      ChatOpenAI: (model) =>
        new ChatOpenAI({ model, apiKey: key, configuration: { baseURL: `${relay.url}/v1` } }),
      ChatAnthropic: (model) =>
        new ChatAnthropic({ model, apiKey: key, anthropicApiUrl: relay.url }),
    };
    const cases = (['ChatOpenAI', 'ChatAnthropic'] as const).flatMap((chat) =>
      CHANNELS.map(({ type, model }) => ({ chat, type, model })),
    );
    const weatherTool = {
      type: 'function' as const,
      function: {
        name: 'get_weather',
        description: 'The weather forecast for a city.',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    };

    it.each(cases)('$chat over the $type channel', async ({ chat, model }) => {
      const llm = chatModels[chat](model);

      const invoked = await llm.invoke('Say hello.');
      expect(invoked.text).toBe(HELLO);

      let streamed = '';
      let chunks = 0;
      for await (const chunk of await llm.stream('Say hello.')) {
        streamed += chunk.text;
        chunks += 1;
      }
      expect(streamed).toBe(HELLO);
      expect(chunks).toBeGreaterThan(1);

      const withTools = llm.bindTools!([weatherTool]);
      const question = new HumanMessage('What is the weather in Paris?');
      const asked = await withTools.invoke([question]);
      expect(asked.tool_calls).toEqual([
        expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' } }),
      ]);
      const toolCall = asked.tool_calls![0];
      const answered = await withTools.invoke([
        question,
        new AIMessage({ content: asked.content, tool_calls: asked.tool_calls }),
        new ToolMessage({
          tool_call_id: toolCall.id!,
          content: JSON.stringify({ city: 'Paris', forecast: FORECAST }),
        }),
      ]);
      expect(answered.text).toBe(finalAnswer(FORECAST));
    });
  });
});
