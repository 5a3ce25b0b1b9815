// A Vercel AI SDK application, as a user writes one, for sdk-clients.e2e-spec.ts: the AI SDK (`ai` v7 with
// `@ai-sdk/openai`, `@ai-sdk/anthropic`, `@ai-sdk/google`) is ES modules only, which jest's CommonJS runtime
// cannot load, so the spec compiles this file and runs it with node, as the application would run.
//
// Argument: JSON { relayUrl, key, provider: 'openai' | 'anthropic' | 'google', model, stored }. Prints JSON:
// what generateText answered, a second turn's answer, what streamText streamed (text and chunk count), a tool
// loop's calls and final text, and (@ai-sdk/openai on a channel that keeps no state) what relaymesh said to a
// second turn sent by reference.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, type LanguageModel, stepCountIs, streamText, tool } from 'ai';

interface Options {
  relayUrl: string;
  key: string;
  provider: 'openai' | 'anthropic' | 'google';
  model: string;
  /**
   * @ai-sdk/openai: whether the channel keeps what the Responses API stores (an `openai` channel: relaymesh
   * passes the request through and the upstream resolves the earlier turns @ai-sdk/openai sends by reference).
   */
  stored: boolean;
}

/** The setup the README gives for each provider package: relaymesh's URL as the base URL, a relaymesh key. */
function languageModel({ relayUrl, key, provider, model }: Options): LanguageModel {
  switch (provider) {
    case 'openai':
      return createOpenAI({ baseURL: `${relayUrl}/v1`, apiKey: key })(model);
    case 'anthropic':
      return createAnthropic({ baseURL: `${relayUrl}/v1`, apiKey: key })(model);
    case 'google':
      return createGoogleGenerativeAI({ baseURL: `${relayUrl}/v1beta`, apiKey: key })(model);
  }
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const model = languageModel(options);

const generated = await generateText({ model, prompt: 'Say hello.' });

const streamed = streamText({ model, prompt: 'Say hello.' });
let chunks = 0;
let streamedText = '';
for await (const delta of streamed.textStream) {
  chunks += 1;
  streamedText += delta;
}

const weather = tool({
  description: 'The weather forecast for a city.',
  inputSchema: jsonSchema<{ city: string }>({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  }),
  execute: async ({ city }) => ({ city, forecast: process.env['FORECAST'] ?? 'unknown' }),
});
const looped = await generateText({
  model,
  prompt: 'What is the weather in Paris?',
  tools: { get_weather: weather },
  stopWhen: stepCountIs(3),
});

// A conversation: the first answer's messages sent back with the next question. @ai-sdk/openai stores
// responses by default and then sends the earlier answer by reference (`item_reference`): an `openai` channel
// resolves it upstream; any other channel cannot, so there the application sets store: false, as the README
// says, and a reference is refused with a message saying so.
const conversation = (providerOptions?: { openai: { store: boolean } }) =>
  generateText({ model, prompt: 'Say hello.', providerOptions }).then((first) =>
    generateText({
      model,
      messages: [
        { role: 'user', content: 'Say hello.' },
        ...first.response.messages,
        { role: 'user', content: 'Say it again.' },
      ],
      providerOptions,
    }),
  );
const stateless = options.provider === 'openai' && !options.stored;
const second = await conversation(stateless ? { openai: { store: false } } : undefined);
const byReference = stateless
  ? await conversation().then(
      () => 'answered',
      (err: Error) => err.message,
    )
  : null;

process.stdout.write(
  JSON.stringify({
    generate: { text: generated.text },
    conversation: { text: second.text, byReference },
    stream: { text: streamedText, chunks },
    tool: {
      text: looped.text,
      steps: looped.steps.length,
      calls: looped.steps.flatMap((step) =>
        step.toolCalls.map((call) => ({ name: call.toolName, input: call.input })),
      ),
    },
  }),
);
