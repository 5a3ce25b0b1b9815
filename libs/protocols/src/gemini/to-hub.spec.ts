// Gemini → hub: client requests (recorded and table-driven) and upstream answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubRequest, HubStopReason } from '../hub/hub.types';
import { parseGeminiRequest } from './parse';
import {
  geminiRequestToHub,
  geminiResponseToHub,
  schemaToJsonSchema,
  stopReasonFromGemini,
  toolCallId,
} from './to-hub';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8')) as Record<
    string,
    unknown
  >;

function toHub(body: unknown, stream = false): HubRequest {
  const parsed = parseGeminiRequest(body, 'gemini-2.5-flash');
  if (!parsed.ok) throw new Error(parsed.error.message);
  return geminiRequestToHub(parsed.request, 'gemini-2.5-flash', stream);
}

const hi = { role: 'user', parts: [{ text: 'hi' }] };

describe('geminiRequestToHub on the recorded multi-turn request', () => {
  const body = fixture('multi-turn-request.json');
  const signature = (body.contents as { parts: { thoughtSignature?: string }[] }[])[1].parts[1]
    .thoughtSignature;

  it('converts every turn, pairing parallel same-name calls in order and giving stable ids', () => {
    expect(signature).toMatch(/^Ci/);
    expect(toHub(body, true)).toEqual<HubRequest>({
      model: 'gemini-2.5-flash',
      system: 'You are a concise travel assistant.\n\nAlways give temperatures in Celsius.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare the weather in the city in this photo with London.' },
            {
              type: 'image',
              source: {
                kind: 'base64',
                mediaType: 'image/png',
                data: expect.stringMatching(/^iVBORw0KGgo/) as string,
              },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'thinking',
              text: expect.stringMatching(/^\*\*Identifying the city\*\*/) as string,
              // The signature Gemini put on the first call travels on the thinking before it.
              signature: { issuer: 'gemini', value: signature! },
            },
            {
              type: 'tool_call',
              id: 'call_0_get_weather',
              name: 'get_weather',
              arguments: '{"location":"Paris, France"}',
            },
            {
              type: 'tool_call',
              id: 'call_1_get_weather',
              name: 'get_weather',
              arguments: '{"location":"London, UK"}',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_0_get_weather',
              name: 'get_weather',
              content: [{ type: 'text', text: '{"temperature":24,"conditions":"sunny"}' }],
              isError: false,
            },
            {
              type: 'tool_result',
              toolCallId: 'call_1_get_weather',
              name: 'get_weather',
              content: [{ type: 'text', text: '{"temperature":17,"conditions":"overcast"}' }],
              isError: false,
            },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'Paris is sunny at 24°C; London is overcast at 17°C.' }],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: "What's the 3-day forecast for Paris? Here's my itinerary." },
            {
              type: 'image',
              source: {
                kind: 'url',
                url: 'https://generativelanguage.googleapis.com/v1beta/files/8kq2xv0r1n3m',
              },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_call',
              id: 'call_2_get_forecast',
              name: 'get_forecast',
              arguments: '{"location":"Paris, France","days":3}',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_2_get_forecast',
              name: 'get_forecast',
              content: [{ type: 'text', text: 'forecast service unavailable' }],
              isError: true,
            },
          ],
        },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: {
            type: 'object',
            properties: {
              location: { type: 'string', description: 'City and country, e.g. Paris, France' },
              unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit'] },
            },
            required: ['location'],
          },
        },
        {
          name: 'get_forecast',
          description: 'Daily forecast for a city.',
          parameters: {
            type: 'object',
            properties: {
              location: { type: 'string' },
              days: { type: 'integer', minimum: 1, maximum: 7 },
            },
            required: ['location', 'days'],
            additionalProperties: false,
          },
        },
      ],
      toolChoice: 'auto',
      maxTokens: 2048,
      temperature: 0.7,
      topP: 0.95,
      topK: 40,
      stop: ['\n\nUser:'],
      stream: true,
      reasoning: { effort: null, budgetTokens: 1024 },
      responseFormat: null,
      parallelToolCalls: null,
      user: null,
    });
  });

  it('gives the same ids on every translation of the same request', () => {
    expect(toHub(body)).toEqual(toHub(body));
    expect(toHub(body).stream).toBe(false);
  });
});

describe('geminiRequestToHub: parts and turns', () => {
  it('uses the ids a client sends and pairs responses by them, whatever the order', () => {
    const hub = toHub({
      contents: [
        hi,
        {
          role: 'model',
          parts: [
            { functionCall: { id: 'a', name: 'f', args: { n: 1 } } },
            { functionCall: { id: 'b', name: 'f', args: { n: 2 } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'b', name: 'f', response: { output: 2 } } },
            { functionResponse: { id: 'a', name: 'f', response: { output: 1 } } },
          ],
        },
      ],
    });
    expect(hub.messages[2].content).toEqual([
      expect.objectContaining({ toolCallId: 'b', content: [{ type: 'text', text: '2' }] }),
      expect.objectContaining({ toolCallId: 'a', content: [{ type: 'text', text: '1' }] }),
    ]);
  });

  it('pairs a response with the nearest call turn of its name', () => {
    const call = { role: 'model', parts: [{ functionCall: { name: 'f' } }] };
    const answer = { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] };
    const hub = toHub({ contents: [hi, call, hi, call, answer] });
    // Turn 1's call stays unanswered; the response answers the second call (call_1_f).
    expect(hub.messages.at(-1)?.content).toEqual([
      expect.objectContaining({ type: 'tool_result', toolCallId: 'call_1_f' }),
    ]);
  });

  it.each<[string, Record<string, unknown>, string, boolean]>([
    ['output', { output: 'done' }, 'done', false],
    ['error', { error: { code: 404 } }, '{"code":404}', true],
    ['content (what from-hub writes)', { content: 'ok' }, 'ok', false],
    [
      'any other object, whole',
      { temperature: 3, unit: 'C' },
      '{"temperature":3,"unit":"C"}',
      false,
    ],
    [
      'output next to other keys, whole',
      { output: 1, note: 'x' },
      '{"output":1,"note":"x"}',
      false,
    ],
  ])('reads a function response holding %s', (_case, response, text, isError) => {
    const hub = toHub({
      contents: [
        hi,
        { role: 'model', parts: [{ functionCall: { name: 'f' } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response } }] },
      ],
    });
    expect(hub.messages[2].content[0]).toEqual({
      type: 'tool_result',
      toolCallId: 'call_0_f',
      name: 'f',
      content: [{ type: 'text', text }],
      isError,
    });
  });

  it('carries the images of a multimodal function response', () => {
    const hub = toHub({
      contents: [
        hi,
        { role: 'model', parts: [{ functionCall: { name: 'snap' } }] },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'snap',
                response: { output: 'a photo' },
                parts: [{ inlineData: { mimeType: 'image/jpeg', data: 'AAAA' } }],
              },
            },
          ],
        },
      ],
    });
    expect(hub.messages[2].content[0]).toMatchObject({
      content: [
        { type: 'text', text: 'a photo' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } },
      ],
    });
  });

  it('makes the ids of names with dots and colons safe for every format', () => {
    expect(toolCallId(3, 'maps.search:v2')).toBe('call_3_maps_search_v2');
  });

  it('joins a streamed answer kept as one content per chunk into one assistant message', () => {
    const hub = toHub({
      contents: [
        hi,
        { role: 'model', parts: [{ text: 'Let me ', thought: true }] },
        { role: 'model', parts: [{ text: 'think.', thought: true }] },
        { role: 'model', parts: [{ text: '', thought: true, thoughtSignature: 'c2lnbmVk' }] },
        { role: 'model', parts: [{ text: 'Hello' }] },
        { role: 'model', parts: [{ text: ', world' }, { text: '' }] },
        { role: 'user', parts: [{ text: 'one' }, { text: 'two' }] },
      ],
    });
    expect(hub.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      {
        role: 'assistant',
        content: [
          {
            type: 'thinking',
            text: 'Let me think.',
            signature: { issuer: 'gemini', value: 'c2lnbmVk' },
          },
          { type: 'text', text: 'Hello, world' },
        ],
      },
      // The user's separate text parts stay separate.
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });

  it('puts a signature Gemini left on a call after text on an empty thinking part before the call', () => {
    const hub = toHub({
      contents: [
        hi,
        {
          role: 'model',
          parts: [{ text: 'Checking.' }, { functionCall: { name: 'f' }, thoughtSignature: 'c2ln' }],
        },
      ],
    });
    expect(hub.messages[1].content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'thinking', text: '', signature: { issuer: 'gemini', value: 'c2ln' } },
      { type: 'tool_call', id: 'call_0_f', name: 'f', arguments: '{}' },
    ]);
  });

  it('drops thoughts in user turns, code execution parts, and non-text system parts', () => {
    const hub = toHub({
      systemInstruction: {
        parts: [{ text: 'Be brief.' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
      },
      contents: [
        { role: 'user', parts: [{ text: 'secret', thought: true }, { text: 'hi' }] },
        { role: 'model', parts: [{ executableCode: { language: 'PYTHON', code: '1' } }] },
        hi,
      ],
    });
    expect(hub.system).toBe('Be brief.');
    expect(hub.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'hi' },
          { type: 'text', text: 'hi' },
        ],
      },
    ]);
  });

  it('takes only function declarations from the tools', () => {
    const hub = toHub({
      contents: [hi],
      tools: [{ googleSearch: {} }, { functionDeclarations: [{ name: 'noop' }] }],
    });
    expect(hub.tools).toEqual([
      { name: 'noop', description: null, parameters: { type: 'object', properties: {} } },
    ]);
  });
});

describe('geminiRequestToHub: configuration', () => {
  it.each<[string, Record<string, unknown>, HubRequest['toolChoice']]>([
    ['AUTO', { mode: 'AUTO' }, 'auto'],
    ['VALIDATED', { mode: 'VALIDATED' }, 'auto'],
    ['NONE', { mode: 'NONE' }, 'none'],
    ['ANY', { mode: 'ANY' }, 'required'],
    ['ANY with one allowed name', { mode: 'ANY', allowedFunctionNames: ['f'] }, { name: 'f' }],
    ['ANY with two allowed names', { mode: 'ANY', allowedFunctionNames: ['f', 'g'] }, 'required'],
    ['no mode', {}, null],
  ])('maps functionCallingConfig %s', (_case, functionCallingConfig, expected) => {
    expect(toHub({ contents: [hi], toolConfig: { functionCallingConfig } }).toolChoice).toEqual(
      expected,
    );
  });

  it.each<[string, Record<string, unknown> | undefined, HubRequest['reasoning']]>([
    ['no thinkingConfig', undefined, null],
    ['a budget', { thinkingBudget: 2048 }, { effort: null, budgetTokens: 2048 }],
    ['thinking off', { thinkingBudget: 0 }, { effort: null, budgetTokens: 0 }],
    ['a dynamic budget', { thinkingBudget: -1 }, { effort: 'medium', budgetTokens: null }],
    ['includeThoughts alone', { includeThoughts: true }, { effort: 'medium', budgetTokens: null }],
    ['includeThoughts false alone', { includeThoughts: false }, null],
    ['thinkingLevel low', { thinkingLevel: 'LOW' }, { effort: 'low', budgetTokens: null }],
    ['thinkingLevel high', { thinkingLevel: 'high' }, { effort: 'high', budgetTokens: null }],
  ])('maps %s to reasoning', (_case, thinkingConfig, expected) => {
    const generationConfig = thinkingConfig === undefined ? {} : { thinkingConfig };
    expect(toHub({ contents: [hi], generationConfig }).reasoning).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, HubRequest['responseFormat']]>([
    ['plain text', { responseMimeType: 'text/plain' }, null],
    ['an enum answer', { responseMimeType: 'text/x.enum' }, null],
    ['JSON without a schema', { responseMimeType: 'application/json' }, { type: 'json_object' }],
    [
      'JSON with responseJsonSchema',
      { responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } },
      { type: 'json_schema', name: 'response', schema: { type: 'object' } },
    ],
    [
      'JSON with an OpenAPI responseSchema',
      {
        responseMimeType: 'application/json',
        responseSchema: { type: 'ARRAY', items: { type: 'STRING' } },
      },
      {
        type: 'json_schema',
        name: 'response',
        schema: { type: 'array', items: { type: 'string' } },
      },
    ],
  ])('maps %s to responseFormat', (_case, generationConfig, expected) => {
    expect(toHub({ contents: [hi], generationConfig }).responseFormat).toEqual(expected);
  });

  it('converts nested OpenAPI schemas, keeping a "__proto__" property as data', () => {
    const schema = JSON.parse(
      '{"type":"OBJECT","properties":{"__proto__":{"type":"STRING"},"tags":{"type":"ARRAY","items":' +
        '{"type":"OBJECT","properties":{"v":{"anyOf":[{"type":"INTEGER"},{"type":"STRING"}],"nullable":true}}}' +
        ',"example":["a"]}},"propertyOrdering":["tags"]}',
    ) as Record<string, unknown>;
    const converted = schemaToJsonSchema(schema);
    expect(JSON.stringify(converted)).toBe(
      '{"type":"object","properties":{"__proto__":{"type":"string"},"tags":{"type":"array","items":' +
        '{"type":"object","properties":{"v":{"anyOf":[{"type":"integer"},{"type":"string"},{"type":"null"}]}}}' +
        ',"examples":[["a"]]}}}',
    );
    expect(Object.getPrototypeOf(converted.properties)).toBe(Object.prototype);
  });
});

describe('geminiResponseToHub on the recorded response', () => {
  it('keeps thought, text and call in order, with stable ids, usage incl. cache and thoughts', () => {
    const json = fixture('generate-content-response.json');
    const parts = (json.candidates as { content: { parts: { thoughtSignature?: string }[] } }[])[0]
      .content.parts;
    expect(geminiResponseToHub(json)).toEqual({
      id: 'kq1YaMHuBf6Nz7IPwqWQ0Ag',
      model: 'gemini-2.5-flash',
      content: [
        {
          type: 'thinking',
          text: expect.stringMatching(/^\*\*Checking the weather\*\*/) as string,
          signature: null,
        },
        { type: 'text', text: 'Let me check the current weather in Paris for you.' },
        {
          type: 'thinking',
          text: '',
          signature: { issuer: 'gemini', value: parts[2].thoughtSignature! },
        },
        {
          type: 'tool_call',
          id: 'call_0_get_weather',
          name: 'get_weather',
          arguments: '{"location":"Paris, France","unit":"celsius"}',
        },
      ],
      stopReason: 'tool_use',
      stopSequence: null,
      // output = candidates (31) + thoughts (158); the cached 4089 are part of the 4213 prompt tokens.
      usage: { inputTokens: 4213, outputTokens: 189, cacheReadTokens: 4089, cacheWriteTokens: 0 },
    });
  });

  it('reads a blocked prompt as content_filter with no content', () => {
    expect(
      geminiResponseToHub({
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
      }),
    ).toMatchObject({
      content: [],
      stopReason: 'content_filter',
      usage: { inputTokens: 12, outputTokens: 0 },
    });
  });

  it('tolerates fields of the wrong type instead of trusting them', () => {
    expect(
      geminiResponseToHub({
        candidates: [{ content: { parts: [{ text: 5 }, 'x', { text: 'ok' }] }, finishReason: 3 }],
        usageMetadata: { promptTokenCount: -1 },
      }),
    ).toEqual({
      id: '',
      model: '',
      content: [{ type: 'text', text: 'ok' }],
      stopReason: 'end_turn',
      stopSequence: null,
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });
});

describe('stopReasonFromGemini', () => {
  it.each<[string | undefined, boolean, HubStopReason]>([
    ['STOP', false, 'end_turn'],
    ['STOP', true, 'tool_use'],
    ['MAX_TOKENS', false, 'max_tokens'],
    ['MAX_TOKENS', true, 'max_tokens'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'end_turn'],
    ['OTHER', false, 'end_turn'],
    [undefined, false, 'end_turn'],
  ])('%s (function calls: %s) → %s', (finishReason, hasToolCalls, expected) => {
    expect(stopReasonFromGemini(finishReason, hasToolCalls)).toBe(expected);
  });
});
