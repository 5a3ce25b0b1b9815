// OpenAI embeddings: the client side (validation, texts, pass-through body, rendering) and the upstream side.
import { openAIEmbeddings } from './embeddings';

const parse = (body: Record<string, unknown>) =>
  openAIEmbeddings.parseRequest(body, { urlModel: null, batch: false });

describe('OpenAI embeddings', () => {
  it('refuses a body without a model or an input, in OpenAI words', () => {
    expect(parse({ input: 'a' })).toEqual({
      ok: false,
      error: {
        status: 400,
        type: 'invalid_request_error',
        code: 'missing_required_parameter',
        param: 'model',
        message: 'you must provide a model parameter',
      },
    });
    for (const input of [undefined, null, '', []]) {
      const parsed = parse({ model: 'm', input });
      expect(!parsed.ok && parsed.error).toMatchObject({ param: 'input', status: 400 });
    }
  });

  it('reads text inputs, one or many, and refuses token arrays as untranslatable', () => {
    const one = parse({ model: 'm', input: 'a', dimensions: 4 });
    expect(one.ok && one.request.texts).toEqual({
      ok: true,
      request: { inputs: ['a'], dimensions: 4 },
    });
    const many = parse({ model: 'm', input: ['a', 'b'] });
    expect(many.ok && many.request.texts).toEqual({
      ok: true,
      request: { inputs: ['a', 'b'], dimensions: null },
    });
    const tokens = parse({ model: 'm', input: [[1, 2]] });
    expect(tokens.ok && !tokens.request.texts.ok && tokens.request.texts.error).toMatchObject({
      code: 'unsupported_value',
      param: 'input',
    });
  });

  it('passes the body through with the model mapped and the gateway extensions removed', () => {
    const parsed = parse({ model: 'm', input: [[1, 2]], models: ['x'], user: 'u', provider: {} });
    expect(parsed.ok && parsed.request.passThrough('up')).toEqual({
      path: '/v1/embeddings',
      body: '{"model":"up","input":[[1,2]],"user":"u"}',
    });
  });

  it('builds the upstream request and reads the answer, data put back in index order', () => {
    const built = openAIEmbeddings.buildRequest(
      { inputs: ['x', 'y'], dimensions: 8 },
      'text-embedding-3-small',
    );
    expect(built.path).toBe('/v1/embeddings');
    expect(JSON.parse(built.body)).toEqual({
      model: 'text-embedding-3-small',
      input: ['x', 'y'],
      encoding_format: 'float',
      dimensions: 8,
    });
    expect(
      openAIEmbeddings.parseResponse({
        data: [
          { index: 1, embedding: [2] },
          { index: 0, embedding: [1] },
        ],
        usage: { prompt_tokens: 5 },
      }),
    ).toEqual({ vectors: [[1], [2]], promptTokens: 5 });
  });

  it('renders floats or base64 float32 as the client asked', () => {
    const result = { vectors: [[0.5, -1]], promptTokens: null };
    const base64 = parse({ model: 'm', input: 'a', encoding_format: 'base64' });
    const rendered = (base64.ok && base64.request.render(result, 3)) as {
      data: { embedding: string }[];
    };
    const bytes = Buffer.from(rendered.data[0].embedding, 'base64');
    const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    expect([...decoded]).toEqual([0.5, -1]);
    const float = parse({ model: 'm', input: 'a' });
    expect(float.ok && float.request.render(result, 3)).toMatchObject({
      model: 'm',
      data: [{ object: 'embedding', index: 0, embedding: [0.5, -1] }],
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });
});
