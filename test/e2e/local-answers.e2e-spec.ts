// Answers that need no model upstream of the gateway, or no full call: `mock` channels (answered by
// relaymesh itself, in every client format, stream and non-stream) and the token counts: Anthropic's, asked of
// an Anthropic channel as it is, of a Gemini channel through `:countTokens`, and estimated otherwise; Gemini's
// (`models.countTokens` of @google/genai), asked of a Gemini channel as it is, of an Anthropic channel through
// `count_tokens`, and estimated otherwise.
import Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI as GoogleGenAIType } from '@google/genai' with {
  'resolution-mode': 'import',
};
import {
  Deployment,
  FakeAnthropic,
  FakeGemini,
  FakeOpenAI,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import OpenAI from 'openai';

// @google/genai ships types only for its ES module build; its CommonJS build is what jest loads here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GoogleGenAI } = require('@google/genai') as { GoogleGenAI: typeof GoogleGenAIType };

const MOCK_TEXT = 'Mock answer from relaymesh (demo-model). You said: ping the mock';

describe('mock channels and count_tokens (embedded)', () => {
  let relay: Deployment;
  let anthropicUpstream: FakeAnthropic;
  let geminiUpstream: FakeGemini;
  let openaiUpstream: FakeOpenAI;
  let key: string;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    [anthropicUpstream, geminiUpstream, openaiUpstream] = await Promise.all([
      FakeAnthropic.start(),
      FakeGemini.start(),
      FakeOpenAI.start(),
    ]);
    relay = await startDeployment('embedded', { label: 'local_answers' });
    for (const channel of [
      { name: 'demo', type: 'mock', models: ['demo-model'] },
      {
        name: 'claude',
        type: 'anthropic',
        base_url: anthropicUpstream.url,
        keys: ['sk-ant-upstream'],
        models: ['count-claude'],
      },
      {
        name: 'gem',
        type: 'gemini',
        base_url: geminiUpstream.url,
        keys: ['AIza-upstream'],
        models: ['count-gemini'],
      },
      {
        name: 'gpt',
        type: 'openai',
        base_url: openaiUpstream.url,
        keys: ['sk-upstream'],
        models: ['count-gpt'],
      },
    ]) {
      expect((await relay.admin('POST', '/channels', channel)).status).toBe(201);
    }
    key = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'local' })).body.key;
    openai = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });
    await waitFor(
      () =>
        openai.chat.completions
          .create({ model: 'demo-model', messages: [{ role: 'user', content: 'x' }] })
          .then(() => true),
      { what: 'the mock channel routable', timeoutMs: 10_000 },
    );
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([
      anthropicUpstream?.close(),
      geminiUpstream?.close(),
      openaiUpstream?.close(),
    ]);
  });

  it('should answer from a mock channel in the OpenAI format, with usage, stream and non-stream', async () => {
    const completion = await openai.chat.completions.create({
      model: 'demo-model',
      messages: [{ role: 'user', content: 'ping the mock' }],
    });
    expect(completion.choices[0].message.content).toBe(MOCK_TEXT);
    expect(completion.usage?.completion_tokens).toBe(MOCK_TEXT.split(' ').length);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);

    const stream = await openai.chat.completions.create({
      model: 'demo-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'ping the mock' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(MOCK_TEXT);
    expect(usage?.completion_tokens).toBe(MOCK_TEXT.split(' ').length);
  });

  it('should answer from a mock channel in the Anthropic and Gemini formats too', async () => {
    const message = await anthropic.messages.create({
      model: 'demo-model',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'ping the mock' }],
    });
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({ type: 'text', text: MOCK_TEXT });
    expect(message.stop_reason).toBe('end_turn');

    const streamed = anthropic.messages.stream({
      model: 'demo-model',
      max_tokens: 3,
      messages: [{ role: 'user', content: 'ping the mock' }],
    });
    const final = await streamed.finalMessage();
    expect(final.stop_reason).toBe('max_tokens');

    const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relay.url } });
    const answer = await ai.models.generateContent({
      model: 'demo-model',
      contents: 'ping the mock',
    });
    expect(answer.text).toBe(MOCK_TEXT);
  });

  it('should count tokens through an Anthropic channel as the provider counts them', async () => {
    anthropicUpstream.reset();
    const params = {
      model: 'count-claude',
      system: 'Be brief.',
      messages: [{ role: 'user' as const, content: 'How many tokens is this sentence?' }],
    };
    const counted = await anthropic.messages.countTokens(params);
    const received = anthropicUpstream.lastRequest()!;
    expect(received.path).toBe('/v1/messages/count_tokens');
    expect(received.body).toEqual(params);
    expect(counted.input_tokens).toBeGreaterThan(0);
    // The same prompt sent for real: the fake bills exactly what it counted.
    const sent = await anthropic.messages.create({ ...params, max_tokens: 10 });
    expect(counted.input_tokens).toBe(sent.usage.input_tokens);
  });

  it("should count tokens of a Gemini channel with the prompt translated to Gemini's countTokens", async () => {
    geminiUpstream.reset();
    const counted = await anthropic.messages.countTokens({
      model: 'count-gemini',
      messages: [{ role: 'user', content: 'How many tokens is this sentence?' }],
    });
    const received = geminiUpstream.lastRequest()!;
    expect(received.path).toBe('/v1beta/models/count-gemini:countTokens');
    expect(JSON.stringify(received.body)).toContain('How many tokens is this sentence?');
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it('should estimate the count for a model no channel can count, and 404 an unknown model', async () => {
    const counted = await anthropic.messages.countTokens({
      model: 'demo-model',
      messages: [{ role: 'user', content: 'x'.repeat(400) }],
    });
    expect(counted.input_tokens).toBeGreaterThanOrEqual(100);
    expect(counted.input_tokens).toBeLessThan(120);
    await expect(
      anthropic.messages.countTokens({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  describe('Gemini countTokens (@google/genai models.countTokens)', () => {
    const genai = () => new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relay.url } });
    const PROMPT = 'How many tokens is this Gemini sentence?';

    it('should pass the count through to a Gemini channel, answered as the provider counts it', async () => {
      geminiUpstream.reset();
      const counted = await genai().models.countTokens({ model: 'count-gemini', contents: PROMPT });
      const received = geminiUpstream.lastRequest()!;
      expect(received.path).toBe('/v1beta/models/count-gemini:countTokens');
      expect(received.body).toEqual({ contents: [{ role: 'user', parts: [{ text: PROMPT }] }] });
      // The same prompt sent for real: the fake bills exactly what it counted.
      const sent = await genai().models.generateContent({
        model: 'count-gemini',
        contents: PROMPT,
      });
      expect(counted.totalTokens).toBeGreaterThan(0);
      expect(counted.totalTokens).toBe(sent.usageMetadata?.promptTokenCount);
    });

    it("should ask an Anthropic channel's count_tokens with the contents translated", async () => {
      anthropicUpstream.reset();
      const counted = await genai().models.countTokens({ model: 'count-claude', contents: PROMPT });
      const received = anthropicUpstream.lastRequest()!;
      expect(received.path).toBe('/v1/messages/count_tokens');
      expect(received.body).toEqual({
        model: 'count-claude',
        messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }],
      });
      const sent = await anthropic.messages.create({
        model: 'count-claude',
        max_tokens: 10,
        messages: [{ role: 'user', content: PROMPT }],
      });
      expect(counted.totalTokens).toBe(sent.usage.input_tokens);
    });

    it('should estimate for an OpenAI channel without asking it, and 404 an unknown model', async () => {
      openaiUpstream.reset();
      const counted = await genai().models.countTokens({
        model: 'count-gpt',
        contents: 'x'.repeat(400),
      });
      expect(counted.totalTokens).toBeGreaterThanOrEqual(100);
      expect(counted.totalTokens).toBeLessThan(120);
      expect(openaiUpstream.requests).toHaveLength(0);
      await expect(
        genai().models.countTokens({ model: 'no-such-model', contents: 'x' }),
      ).rejects.toMatchObject({ status: 404 });
    });
  });
});
