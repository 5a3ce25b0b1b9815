// FakeGemini driven with plain fetch and eventsource-parser, as no Gemini SDK is installed: both stream
// framings checked on the raw bytes, the API's validation and auth errors, the faults and request recording.
import { waitFor } from '../infra';
import { caught, eventData, readBody, readSse } from '../fake-upstream/fake-upstream.client';
import { FakeGemini } from './fake-gemini.server';
import type { GeminiRequestBody } from './fake-gemini.types';

const KEY = 'AIzaTestKey';
const MODEL = 'gemini-2.5-flash';
const CONTENTS = [{ role: 'user', parts: [{ text: 'ping pong' }] }];
const DEFAULT_REPLY = 'Hello from fake-gemini! You said: ping pong';

interface RequestOptions {
  key?: string | null;
  keyInQuery?: boolean;
  query?: string;
  signal?: AbortSignal;
}

interface Chunk {
  candidates: {
    content: { role: string; parts: Record<string, unknown>[] };
    finishReason?: string;
    index: number;
  }[];
  usageMetadata?: Record<string, unknown>;
  modelVersion: string;
  responseId: string;
}

describe('FakeGemini', () => {
  let fake: FakeGemini;

  beforeAll(async () => {
    fake = await FakeGemini.start();
  });

  afterEach(() => fake.reset());

  afterAll(() => fake.close());

  /** Calls `/v1beta/<path>` with the key in the header (or the query), POSTing `body` when given. */
  function call(path: string, body?: unknown, options: RequestOptions = {}): Promise<Response> {
    const key = options.key === undefined ? KEY : options.key;
    const params = new URLSearchParams(options.query);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key !== null && options.keyInQuery) params.set('key', key);
    else if (key !== null) headers['x-goog-api-key'] = key;
    const query = params.size > 0 ? `?${params.toString()}` : '';
    return fetch(`${fake.url}/v1beta/${path}${query}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body: typeof body === 'string' || body === undefined ? body : JSON.stringify(body),
      signal: options.signal,
    });
  }

  function generate(body: unknown = { contents: CONTENTS }, options?: RequestOptions) {
    return call(`models/${MODEL}:generateContent`, body, options);
  }

  function stream(body: unknown = { contents: CONTENTS }, sse = true): Promise<Response> {
    return call(`models/${MODEL}:streamGenerateContent`, body, { query: sse ? 'alt=sse' : '' });
  }

  async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
    return (await response.json()) as T;
  }

  describe('generateContent', () => {
    it('answers with one candidate echoing the last user text', async () => {
      const response = await generate();

      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({
        candidates: [
          {
            content: { parts: [{ text: DEFAULT_REPLY }], role: 'model' },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: {
          // "ping pong" is 9 characters, a quarter of that rounded up; the reply is 7 words.
          promptTokenCount: 3,
          candidatesTokenCount: 7,
          totalTokenCount: 10,
          promptTokensDetails: [{ modality: 'TEXT', tokenCount: 3 }],
        },
        modelVersion: MODEL,
        responseId: expect.stringMatching(/^\w{23}$/),
      });
    });

    it('hands the responder the request in camelCase and the model from the path', async () => {
      const seen: [GeminiRequestBody, string][] = [];
      fake.setResponder((request, model) => {
        seen.push([request, model]);
        return { text: 'ok' };
      });

      const response = await generate(
        {
          contents: [{ parts: [{ text: 'hi' }] }],
          system_instruction: { parts: [{ text: 'be brief' }] },
          generation_config: { max_output_tokens: 10 },
        },
        { keyInQuery: true },
      );

      expect(response.status).toBe(200);
      expect(seen).toEqual([
        [
          {
            contents: [{ parts: [{ text: 'hi' }] }],
            systemInstruction: { parts: [{ text: 'be brief' }] },
            generationConfig: { max_output_tokens: 10 },
          },
          MODEL,
        ],
      ]);
    });

    it('answers thought and function call parts, with cached and thought token counts', async () => {
      fake.setResponder(() => ({
        thought: 'The user wants weather.',
        functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }],
        promptTokens: 40,
        candidatesTokens: 6,
        cachedTokens: 32,
        thoughtsTokens: 12,
      }));

      const body = await json<Chunk>(await generate());

      expect(body.candidates[0]?.content.parts).toEqual([
        { text: 'The user wants weather.', thought: true },
        {
          functionCall: { name: 'get_weather', args: { city: 'Paris' } },
          // Where Gemini signs: the first function call.
          thoughtSignature: expect.stringMatching(/^[A-Za-z0-9+/]{40,}={0,2}$/) as string,
        },
      ]);
      expect(body.candidates[0]?.finishReason).toBe('STOP');
      expect(body.usageMetadata).toEqual({
        promptTokenCount: 40,
        candidatesTokenCount: 6,
        totalTokenCount: 58,
        cachedContentTokenCount: 32,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 40 }],
        thoughtsTokenCount: 12,
      });
    });

    it('accepts a function call round trip', async () => {
      const response = await generate({
        contents: [
          ...CONTENTS,
          { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'f', response: { ok: true } } }] },
        ],
        tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object' } }] }],
      });

      expect(response.status).toBe(200);
    });

    it('accepts only the configured keys when keys are given', async () => {
      const strict = await FakeGemini.start({ keys: ['team-key'] });
      try {
        const list = (key: string) =>
          fetch(`${strict.url}/v1beta/models`, { headers: { 'x-goog-api-key': key } });

        expect((await list('team-key')).status).toBe(200);
        expect((await list(KEY)).status).toBe(400);
      } finally {
        await strict.close();
      }
    });
  });

  describe('verifies thought signatures as the API does', () => {
    type Part = Record<string, unknown>;
    const question = { role: 'user', parts: [{ text: 'weather in Paris?' }] };
    const result = {
      role: 'user',
      parts: [{ functionResponse: { name: 'get_weather', response: { content: 'sunny' } } }],
    };
    const send = (model: string, modelParts: Part[]) =>
      fetch(`${fake.url}/v1beta/models/${model}:generateContent`, {
        method: 'POST',
        headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({
          contents: [question, { role: 'model', parts: modelParts }, result],
        }),
      });
    const call = { functionCall: { name: 'get_weather', args: { city: 'Paris' } } };
    const issued = async (): Promise<Part> => {
      fake.setResponder(() => ({ functionCalls: [call.functionCall] }));
      const body = await json<Chunk>(await generate());
      fake.reset();
      return body.candidates[0].content.parts[0];
    };

    it('accepts its own signature and the documented placeholders, on any model', async () => {
      expect((await send('gemini-3-pro-preview', [await issued()])).status).toBe(200);
      for (const placeholder of [
        'skip_thought_signature_validator',
        'context_engineering_is_the_way_to_go',
      ]) {
        expect(
          (await send('gemini-3-pro-preview', [{ ...call, thoughtSignature: placeholder }])).status,
        ).toBe(200);
      }
    });

    it('refuses a signature it did not issue: "Corrupted thought signature."', async () => {
      const forged = Buffer.from('EqQBCgIYAhIM1gbcDa9GJwZA2b3h-claude').toString('base64');
      const response = await send('gemini-2.5-flash', [{ ...call, thoughtSignature: forged }]);
      expect(response.status).toBe(400);
      expect(await json(response)).toEqual({
        error: { code: 400, message: 'Corrupted thought signature.', status: 'INVALID_ARGUMENT' },
      });
    });

    it('on Gemini 3, refuses a function call of the current turn without a signature; 2.5 does not', async () => {
      expect((await send('gemini-2.5-flash', [call])).status).toBe(200);
      const response = await send('gemini-3-pro-preview', [call]);
      expect(response.status).toBe(400);
      expect((await json<{ error: { message: string } }>(response)).error.message).toMatch(
        /^Function call is missing a thought_signature in functionCall parts\./,
      );
    });
  });

  describe('streamGenerateContent', () => {
    it('with alt=sse sends one CRLF-framed data event per word, finishing on the last', async () => {
      const response = await stream();
      const { events, error, raw } = await readSse(response);
      const chunks = eventData<Chunk>(events);

      expect(response.headers.get('content-type')).toBe('text/event-stream');
      expect(error).toBeUndefined();
      expect(raw).toMatch(/^(data: [^\r\n]+\r\n\r\n)+$/);
      expect(raw.replace(/\r\n/g, '')).not.toContain('\n');
      expect(chunks.map((chunk) => chunk.candidates[0]?.content.parts)).toEqual(
        DEFAULT_REPLY.split(/(?<= )/).map((text) => [{ text }]),
      );
      expect(
        chunks.slice(0, -1).some((c) => c.usageMetadata || c.candidates[0]?.finishReason),
      ).toBe(false);
      expect(chunks.at(-1)).toMatchObject({
        candidates: [{ finishReason: 'STOP', content: { role: 'model' } }],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 7, totalTokenCount: 10 },
        modelVersion: MODEL,
      });
      expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    });

    it('streams thought words, then the function calls whole in one chunk', async () => {
      fake.setResponder(() => ({
        thought: 'Need weather.',
        functionCalls: [
          { name: 'get_weather', args: { city: 'Paris' } },
          { name: 'get_time', args: { tz: 'CET' } },
        ],
      }));

      const { events } = await readSse(await stream());
      const chunks = eventData<Chunk>(events);

      expect(chunks.map((chunk) => chunk.candidates[0]?.content.parts)).toEqual([
        [{ text: 'Need ', thought: true }],
        [{ text: 'weather.', thought: true }],
        [
          {
            functionCall: { name: 'get_weather', args: { city: 'Paris' } },
            thoughtSignature: expect.any(String) as string,
          },
          { functionCall: { name: 'get_time', args: { tz: 'CET' } } },
        ],
      ]);
      expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
      expect(chunks.at(-1)?.usageMetadata).toMatchObject({ thoughtsTokenCount: 2 });
    });

    it('without alt=sse streams one JSON array, chunk by chunk, with the same chunks', async () => {
      const response = await stream(undefined, false);
      const { chunks: pieces, error } = await readBody(response);
      const raw = pieces.join('');
      const parsed = JSON.parse(raw) as Chunk[];

      expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
      expect(error).toBeUndefined();
      expect(Array.isArray(parsed)).toBe(true);
      expect(raw).toBe(`[${parsed.map((chunk) => JSON.stringify(chunk)).join(',\r\n')}]`);
      expect(parsed.map((chunk) => chunk.candidates[0]?.content.parts[0]?.text).join('')).toBe(
        DEFAULT_REPLY,
      );
      expect(parsed.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
    });
  });

  describe('countTokens, embeddings and models', () => {
    it('counts the prompt tokens generateContent reports, for either body form', async () => {
      const contents = [{ role: 'user', parts: [{ text: 'count the tokens of this prompt' }] }];

      const direct = await json(await call(`models/${MODEL}:countTokens`, { contents }));
      const wrapped = await json(
        await call(`models/${MODEL}:countTokens`, {
          generateContentRequest: { model: `models/${MODEL}`, contents },
        }),
      );
      const generated = await json<Chunk>(await generate({ contents }));

      expect(direct).toEqual({
        totalTokens: 8,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }],
      });
      expect(wrapped).toEqual(direct);
      expect(generated.usageMetadata).toMatchObject({ promptTokenCount: 8 });
    });

    it('embeds deterministically, with the dimensionality asked for', async () => {
      const embed = (text: string, extra: Record<string, unknown> = {}) =>
        call('models/gemini-embedding-001:embedContent', {
          content: { parts: [{ text }] },
          ...extra,
        }).then((response) => json<{ embedding: { values: number[] } }>(response));

      const alpha = await embed('alpha');
      const again = await embed('alpha');
      const beta = await embed('beta');
      const small = await embed('alpha', { outputDimensionality: 4 });
      const batch = await json<{ embeddings: { values: number[] }[] }>(
        await call('models/gemini-embedding-001:batchEmbedContents', {
          requests: [{ content: { parts: [{ text: 'alpha' }] } }],
        }),
      );

      expect(alpha.embedding.values).toHaveLength(8);
      expect(again).toEqual(alpha);
      expect(beta.embedding.values).not.toEqual(alpha.embedding.values);
      expect(small.embedding.values).toHaveLength(4);
      expect(batch.embeddings).toEqual([alpha.embedding]);
    });

    it('lists models and gets one, and answers an unknown one with 404 NOT_FOUND', async () => {
      const list = await json<{ models: { name: string }[] }>(await call('models'));
      const one = await json(await call(`models/${MODEL}`));
      const missing = await call('models/gemini-nope');

      expect(list.models.map((model) => model.name)).toEqual([
        'models/gemini-2.5-flash',
        'models/gemini-2.5-pro',
        'models/gemini-embedding-001',
      ]);
      expect(one).toMatchObject({
        name: `models/${MODEL}`,
        supportedGenerationMethods: expect.arrayContaining(['generateContent', 'countTokens']),
      });
      expect(missing.status).toBe(404);
      expect(await json(missing)).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    });
  });

  describe('authentication', () => {
    it('rejects a request without a key with 403 PERMISSION_DENIED', async () => {
      const response = await generate(undefined, { key: null });

      expect(response.status).toBe(403);
      expect(await json(response)).toEqual({
        error: {
          code: 403,
          message:
            "Method doesn't allow unregistered callers (callers without established identity). Please " +
            'use API Key or other form of API consumer identity to call this API.',
          status: 'PERMISSION_DENIED',
        },
      });
    });

    it.each([
      ['header', false],
      ['query', true],
    ])('rejects an unknown key in the %s with 400 API_KEY_INVALID', async (_where, keyInQuery) => {
      const response = await generate(undefined, { key: 'not-a-google-key', keyInQuery });

      expect(response.status).toBe(400);
      expect(await json(response)).toEqual({
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            expect.objectContaining({
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
            }),
            expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.LocalizedMessage' }),
          ],
        },
      });
    });
  });

  describe('validation', () => {
    it.each([
      ['missing contents', {}, '* GenerateContentRequest.contents: contents is not specified\n'],
      [
        'empty contents',
        { contents: [] },
        '* GenerateContentRequest.contents: contents is not specified\n',
      ],
      [
        'an assistant role',
        { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
        'Please use a valid role: user, model.',
      ],
      [
        'a system role',
        { contents: [{ role: 'system', parts: [{ text: 'x' }] }, ...CONTENTS] },
        'Please use a valid role: user, model.',
      ],
      [
        'empty parts',
        { contents: [{ role: 'user', parts: [] }] },
        '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n',
      ],
      [
        'a part without data',
        { contents: [{ role: 'user', parts: [{}] }] },
        "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n",
      ],
      [
        'a part with two data fields',
        { contents: [{ parts: [{ text: 'x', functionCall: { name: 'f' } }] }] },
        "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set 'functionCall'",
      ],
      [
        'a function response without a name',
        {
          contents: [
            ...CONTENTS,
            { role: 'user', parts: [{ functionResponse: { response: {} } }] },
          ],
        },
        '* GenerateContentRequest.contents[1].parts[0].function_response.name: Name cannot be empty.\n',
      ],
      [
        'an OpenAI field',
        { contents: CONTENTS, messages: [] },
        'Invalid JSON payload received. Unknown name "messages": Cannot find field.',
      ],
      [
        'an OpenAI-shaped content',
        { contents: [{ role: 'user', content: 'x' }] },
        'Invalid JSON payload received. Unknown name "content" at \'contents[0]\': Cannot find field.',
      ],
      [
        'an invalid function name',
        { contents: CONTENTS, tools: [{ functionDeclarations: [{ name: '1 bad' }] }] },
        '* GenerateContentRequest.tools[0].function_declarations[0].name: Invalid function name.',
      ],
      ['malformed JSON', '{"contents": ', 'Invalid JSON payload received. Unexpected token.'],
    ])('rejects %s with 400 INVALID_ARGUMENT', async (_case, body, text) => {
      const response = await generate(body);

      expect(response.status).toBe(400);
      const envelope = await json<{ error: { code: number; message: string; status: string } }>(
        response,
      );
      expect(envelope.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
      expect(envelope.error.message.startsWith(text)).toBe(true);
    });
  });

  describe('faults and recording', () => {
    it('records each request as sent, the key in the query included', async () => {
      await generate(undefined, { keyInQuery: true });

      expect(fake.requests).toHaveLength(1);
      expect(fake.lastRequest()).toMatchObject({
        method: 'POST',
        path: `/v1beta/models/${MODEL}:generateContent`,
        query: { key: KEY },
        body: { contents: CONTENTS },
      });
    });

    it('answers a status fault with the Google envelope for that status, once', async () => {
      fake.enqueueFault({ kind: 'status', status: 503 });

      const failed = await generate();
      const next = await generate();

      expect(failed.status).toBe(503);
      expect(await json(failed)).toEqual({
        error: {
          code: 503,
          message: 'The model is overloaded. Please try again later.',
          status: 'UNAVAILABLE',
        },
      });
      expect(next.status).toBe(200);
    });

    it('applies a sticky fault only to its path until cleared', async () => {
      fake.setStickyFault({ kind: 'status', status: 429, path: `/v1beta/models/${MODEL}:count` });
      const count = () => call(`models/${MODEL}:countTokens`, { contents: CONTENTS });

      expect((await count()).status).toBe(429);
      expect((await count()).status).toBe(429);
      expect((await generate()).status).toBe(200);
      fake.setStickyFault(null);
      expect((await count()).status).toBe(200);
    });

    it('delays the first byte without holding up other requests', async () => {
      fake.enqueueFault({ kind: 'delay', ms: 60_000 });
      const abort = new AbortController();
      let settled = false;
      const delayed = generate(undefined, { signal: abort.signal }).finally(() => (settled = true));
      await waitFor(() => fake.requests.length === 1, { what: 'the delayed request' });

      const other = await generate();

      expect(other.status).toBe(200);
      expect(settled).toBe(false);
      abort.abort();
      expect(await caught(() => delayed)).toMatchObject({ name: 'AbortError' });
    });

    it('hangs a request until the client gives up', async () => {
      fake.enqueueFault({ kind: 'hang' });

      const error = await caught(() => generate(undefined, { signal: AbortSignal.timeout(200) }));

      expect(error).toMatchObject({ name: 'TimeoutError' });
    });

    it('resets the connection before any response byte', async () => {
      fake.enqueueFault({ kind: 'reset' });

      const error = await caught(() => generate());

      expect(error).toMatchObject({ name: 'TypeError', cause: { code: 'ECONNRESET' } });
    });

    it('drops an SSE stream after exactly the given number of chunks, before the finish', async () => {
      fake.enqueueFault({ kind: 'reset-mid-stream', afterChunks: 2 });

      const plain = await generate();
      const { events, error } = await readSse(await stream());

      expect(plain.status).toBe(200);
      expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
      expect(
        eventData<Chunk>(events).map((chunk) => chunk.candidates[0]?.content.parts[0]?.text),
      ).toEqual(['Hello ', 'from ']);
    });

    it('drops a JSON array stream before its closing bracket', async () => {
      fake.enqueueFault({ kind: 'reset-mid-stream', afterChunks: 1 });

      const { chunks, error } = await readBody(await stream(undefined, false));
      const raw = chunks.join('');

      expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
      expect(raw.startsWith('[{')).toBe(true);
      expect(() => JSON.parse(raw) as unknown).toThrow(SyntaxError);
      expect(JSON.parse(`${raw}]`)).toHaveLength(1);
    });
  });
});
