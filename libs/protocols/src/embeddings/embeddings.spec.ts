import {
  geminiEmbeddingsRequest,
  openAIEmbeddingsRequest,
  parseGeminiEmbeddings,
  parseGeminiEmbeddingsResponse,
  parseOpenAIEmbeddings,
  parseOpenAIEmbeddingsResponse,
  renderGeminiEmbeddings,
  renderOpenAIEmbeddings,
} from './embeddings';

describe('embeddings translation', () => {
  it('reads OpenAI text inputs, one or many, and refuses token arrays as untranslatable', () => {
    expect(parseOpenAIEmbeddings({ input: 'a', dimensions: 4 })).toEqual({
      ok: true,
      request: { inputs: ['a'], dimensions: 4 },
    });
    expect(parseOpenAIEmbeddings({ input: ['a', 'b'] })).toEqual({
      ok: true,
      request: { inputs: ['a', 'b'], dimensions: null },
    });
    const tokens = parseOpenAIEmbeddings({ input: [[1, 2]] });
    expect(!tokens.ok && tokens.error).toMatchObject({ code: 'unsupported_value', param: 'input' });
  });

  it('reads Gemini single and batch bodies, parts joined', () => {
    expect(
      parseGeminiEmbeddings(
        { content: { parts: [{ text: 'a' }, { text: 'b' }] }, outputDimensionality: 3 },
        false,
      ),
    ).toEqual({ ok: true, request: { inputs: ['a b'], dimensions: 3 } });
    expect(
      parseGeminiEmbeddings(
        {
          requests: [
            { content: { parts: [{ text: 'x' }] } },
            { content: { parts: [{ text: 'y' }] } },
          ],
        },
        true,
      ),
    ).toEqual({ ok: true, request: { inputs: ['x', 'y'], dimensions: null } });
    const empty = parseGeminiEmbeddings({ requests: [] }, true);
    expect(!empty.ok && empty.error.param).toBe('requests');
  });

  it('builds each upstream request', () => {
    const request = { inputs: ['x', 'y'], dimensions: 8 };
    const g = geminiEmbeddingsRequest(request, 'gemini-embedding-001');
    expect(g.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(JSON.parse(g.body)).toEqual({
      requests: ['x', 'y'].map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
        outputDimensionality: 8,
      })),
    });
    expect(JSON.parse(openAIEmbeddingsRequest(request, 'text-embedding-3-small').body)).toEqual({
      model: 'text-embedding-3-small',
      input: ['x', 'y'],
      encoding_format: 'float',
      dimensions: 8,
    });
  });

  it('reads both answers, OpenAI data put back in index order', () => {
    expect(
      parseGeminiEmbeddingsResponse({ embeddings: [{ values: [1] }, { values: [2] }] }),
    ).toEqual({
      vectors: [[1], [2]],
      promptTokens: null,
    });
    expect(
      parseOpenAIEmbeddingsResponse({
        data: [
          { index: 1, embedding: [2] },
          { index: 0, embedding: [1] },
        ],
        usage: { prompt_tokens: 5 },
      }),
    ).toEqual({ vectors: [[1], [2]], promptTokens: 5 });
  });

  it('renders OpenAI floats or base64 float32, and Gemini single or batch', () => {
    const result = { vectors: [[0.5, -1]], promptTokens: null };
    const base64 = renderOpenAIEmbeddings(result, 'm', 3, 'base64') as {
      data: { embedding: string }[];
    };
    const bytes = Buffer.from(base64.data[0].embedding, 'base64');
    const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    expect([...decoded]).toEqual([0.5, -1]);
    expect(renderOpenAIEmbeddings(result, 'm', 3, 'float')).toMatchObject({
      data: [{ object: 'embedding', index: 0, embedding: [0.5, -1] }],
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    expect(renderGeminiEmbeddings(result, false)).toEqual({ embedding: { values: [0.5, -1] } });
    expect(renderGeminiEmbeddings(result, true)).toEqual({ embeddings: [{ values: [0.5, -1] }] });
  });
});
