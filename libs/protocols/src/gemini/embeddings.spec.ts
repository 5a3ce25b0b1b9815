// Gemini embeddings: the client side (single and batch bodies, pass-through body, rendering) and the upstream side.
import { geminiEmbeddings } from './embeddings';

describe('Gemini embeddings', () => {
  it('reads single and batch bodies, parts joined', () => {
    const single = geminiEmbeddings.parseRequest(
      { content: { parts: [{ text: 'a' }, { text: 'b' }] }, outputDimensionality: 3 },
      { urlModel: 'e', batch: false },
    );
    expect(single.ok && single.request.texts).toEqual({
      ok: true,
      request: { inputs: ['a b'], dimensions: 3 },
    });
    const batch = geminiEmbeddings.parseRequest(
      {
        requests: [
          { content: { parts: [{ text: 'x' }] } },
          { content: { parts: [{ text: 'y' }] } },
        ],
      },
      { urlModel: 'e', batch: true },
    );
    expect(batch.ok && batch.request.model).toBe('e');
    expect(batch.ok && batch.request.texts).toEqual({
      ok: true,
      request: { inputs: ['x', 'y'], dimensions: null },
    });
    const empty = geminiEmbeddings.parseRequest({ requests: [] }, { urlModel: 'e', batch: true });
    expect(!empty.ok && empty.error).toMatchObject({ status: 400, param: 'requests' });
    const noContent = geminiEmbeddings.parseRequest({}, { urlModel: 'e', batch: false });
    expect(!noContent.ok && noContent.error.param).toBe('content');
  });

  it('passes the body through with each named model mapped and the gateway extensions removed', () => {
    const parsed = geminiEmbeddings.parseRequest(
      {
        requests: [
          { model: 'models/e', content: { parts: [{ text: 'x' }] } },
          { content: { parts: [{ text: 'y' }] } },
        ],
        fallbacks: ['f'],
      },
      { urlModel: 'e', batch: true },
    );
    const built = parsed.ok && parsed.request.passThrough('up/1');
    expect(built && built.path).toBe('/v1beta/models/up%2F1:batchEmbedContents');
    expect(built && JSON.parse(built.body)).toEqual({
      requests: [
        { model: 'models/up/1', content: { parts: [{ text: 'x' }] } },
        { content: { parts: [{ text: 'y' }] } },
      ],
    });
  });

  it('builds a batch request for any number of texts and reads single and batch answers', () => {
    const built = geminiEmbeddings.buildRequest(
      { inputs: ['x', 'y'], dimensions: 8 },
      'gemini-embedding-001',
    );
    expect(built.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(JSON.parse(built.body)).toEqual({
      requests: ['x', 'y'].map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
        outputDimensionality: 8,
      })),
    });
    expect(
      geminiEmbeddings.parseResponse({ embeddings: [{ values: [1] }, { values: [2] }] }),
    ).toEqual({ vectors: [[1], [2]], promptTokens: null });
    expect(geminiEmbeddings.parseResponse({ embedding: { values: [3] } })).toEqual({
      vectors: [[3]],
      promptTokens: null,
    });
  });

  it('renders single or batch as the client called', () => {
    const result = { vectors: [[0.5, -1]], promptTokens: null };
    const render = (batch: boolean) => {
      const parsed = geminiEmbeddings.parseRequest(
        batch
          ? { requests: [{ content: { parts: [{ text: 'a' }] } }] }
          : { content: { parts: [{ text: 'a' }] } },
        { urlModel: 'e', batch },
      );
      return parsed.ok && parsed.request.render(result, 0);
    };
    expect(render(false)).toEqual({ embedding: { values: [0.5, -1] } });
    expect(render(true)).toEqual({ embeddings: [{ values: [0.5, -1] }] });
  });
});
