// Embeddings in both formats over both channel families: the `openai` SDK's `embeddings.create` and the
// `@google/genai` SDK's `embedContent`, each against an OpenAI and a Gemini channel. Each answer is compared
// with what the same fake upstream returns when asked directly, so a translated vector is the upstream's own.
import type { GoogleGenAI as GoogleGenAIType } from '@google/genai' with {
  'resolution-mode': 'import',
};
import { Deployment, FakeGemini, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';
import OpenAI from 'openai';

// @google/genai ships types only for its ES module build; its CommonJS build is what jest loads here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GoogleGenAI } = require('@google/genai') as { GoogleGenAI: typeof GoogleGenAIType };

const TEXTS = ['the quick brown fox', 'jumps over the lazy dog'];

describe('embeddings across formats (embedded)', () => {
  let relay: Deployment;
  let openaiUpstream: FakeOpenAI;
  let geminiUpstream: FakeGemini;
  let openai: OpenAI;
  let genai: GoogleGenAIType;

  /** What each fake answers when asked directly, by its own SDK. */
  const direct = {
    openai: async (texts: string[]) => {
      const sdk = new OpenAI({ apiKey: 'sk-direct', baseURL: `${openaiUpstream.url}/v1` });
      const res = await sdk.embeddings.create({ model: 'text-embedding-3-small', input: texts });
      return res.data.map((d) => d.embedding);
    },
    gemini: async (texts: string[]) => {
      const sdk = new GoogleGenAI({
        apiKey: 'AIza-direct',
        httpOptions: { baseUrl: geminiUpstream.url },
      });
      const res = await sdk.models.embedContent({ model: 'gemini-embedding-001', contents: texts });
      return (res.embeddings ?? []).map((e) => e.values ?? []);
    },
  };

  beforeAll(async () => {
    [openaiUpstream, geminiUpstream] = await Promise.all([FakeOpenAI.start(), FakeGemini.start()]);
    relay = await startDeployment('embedded', { label: 'embeddings' });
    for (const channel of [
      {
        name: 'oa-embed',
        type: 'openai',
        base_url: openaiUpstream.url,
        keys: ['sk-upstream'],
        model_mapping: { 'embed-oa': 'text-embedding-3-small' },
      },
      {
        name: 'gm-embed',
        type: 'gemini',
        base_url: geminiUpstream.url,
        keys: ['AIza-upstream'],
        model_mapping: { 'embed-gm': 'gemini-embedding-001' },
      },
    ]) {
      expect((await relay.admin('POST', '/channels', channel)).status).toBe(201);
    }
    const key = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'embed' })).body.key;
    openai = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    genai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: relay.url } });
    await waitFor(
      () => openai.embeddings.create({ model: 'embed-gm', input: 'x' }).then(() => true),
      { what: 'the embedding channels routable', timeoutMs: 10_000 },
    );
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([openaiUpstream?.close(), geminiUpstream?.close()]);
  });

  it('should serve the OpenAI SDK from an OpenAI channel as a pass-through', async () => {
    const res = await openai.embeddings.create({ model: 'embed-oa', input: TEXTS });
    expect(res.data.map((d) => d.embedding)).toEqual(await direct.openai(TEXTS));
    expect(openaiUpstream.requests.at(-2)?.body).toMatchObject({ model: 'text-embedding-3-small' });
  });

  it('should serve the OpenAI SDK from a Gemini channel, vectors and base64 decoding included', async () => {
    geminiUpstream.reset();
    // The SDK asks for base64 by default and decodes it: the float32 vectors must come back intact.
    const res = await openai.embeddings.create({ model: 'embed-gm', input: TEXTS });
    const expected = await direct.gemini(TEXTS);
    expect(res.data).toHaveLength(2);
    res.data.forEach((d, i) => {
      expect(d.embedding).toHaveLength(expected[i].length);
      d.embedding.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5));
    });
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
    expect(geminiUpstream.requests[0].path).toBe(
      '/v1beta/models/gemini-embedding-001:batchEmbedContents',
    );

    const sized = await openai.embeddings.create({
      model: 'embed-gm',
      input: 'one',
      dimensions: 8,
      encoding_format: 'float',
    });
    expect(sized.data[0].embedding).toHaveLength(8);
  });

  it('should serve the Gemini SDK from a Gemini channel as a pass-through and from an OpenAI channel translated', async () => {
    const fromGemini = await genai.models.embedContent({ model: 'embed-gm', contents: TEXTS });
    expect((fromGemini.embeddings ?? []).map((e) => e.values)).toEqual(await direct.gemini(TEXTS));

    const fromOpenAI = await genai.models.embedContent({ model: 'embed-oa', contents: TEXTS });
    expect((fromOpenAI.embeddings ?? []).map((e) => e.values)).toEqual(await direct.openai(TEXTS));
  });

  it('should refuse token-array inputs only where no OpenAI channel can take them', async () => {
    const res = await openai.embeddings.create({ model: 'embed-oa', input: [[1, 2, 3]] });
    expect(res.data).toHaveLength(1);
    await expect(
      openai.embeddings.create({ model: 'embed-gm', input: [[1, 2, 3]] }),
    ).rejects.toMatchObject({ status: 400, param: 'input' });
  });
});
