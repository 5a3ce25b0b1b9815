// Hub → Gemini: the upstream request body (round trips from the recorded request and hub requests another format
// would produce) and the response a Gemini client reads.
import { readFileSync } from 'node:fs';
import { hubRequest } from '../hub/hub-request';
import { join } from 'node:path';
import type { HubMessage, HubRequest, HubResponse, HubStopReason } from '../hub/hub.types';
import { clientSignature } from '../hub/thought-signature';
import {
  SKIP_SIGNATURE_VALIDATION,
  finishReasonFromHub,
  hubResponseToGemini,
  hubToGeminiRequest,
} from './from-hub';
import { parseGeminiRequest } from './parse';
import { geminiRequestToHub, geminiResponseToHub } from './to-hub';
import type { GeminiGenerateContentRequest } from './types';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8')) as Record<
    string,
    unknown
  >;

const base: HubRequest = hubRequest('public-model', [
  { role: 'user', content: [{ type: 'text', text: 'hi' }] },
]);

function build(hub: Partial<HubRequest>, model = 'gemini-2.5-flash') {
  const built = hubToGeminiRequest({ ...base, ...hub }, model);
  return { ...built, json: JSON.parse(built.body) as GeminiGenerateContentRequest };
}

describe('hubToGeminiRequest: a round trip of the recorded request (Gemini → hub → Gemini)', () => {
  const body = fixture('multi-turn-request.json');
  const parsed = parseGeminiRequest(body, 'gemini-2.5-flash');
  if (!parsed.ok) throw new Error(parsed.error.message);
  const hub = geminiRequestToHub(parsed.request, 'gemini-2.5-flash', true);
  const signature = (body.contents as { parts: { thoughtSignature?: string }[] }[])[1].parts[1]
    .thoughtSignature;

  it('gives back the conversation Gemini reads: names for results, the signature on its call', () => {
    const built = hubToGeminiRequest(hub, 'gemini-2.5-flash');
    expect(built.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(built.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(built.body)).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Compare the weather in the city in this photo with London.' },
            {
              inlineData: {
                mimeType: 'image/png',
                data: expect.stringMatching(/^iVBOR/) as string,
              },
            },
          ],
        },
        {
          role: 'model',
          // The thought summary is not sent back; its call keeps the signature Gemini gave it.
          parts: [
            {
              functionCall: { name: 'get_weather', args: { location: 'Paris, France' } },
              thoughtSignature: signature,
            },
            { functionCall: { name: 'get_weather', args: { location: 'London, UK' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'get_weather',
                response: { content: { temperature: 24, conditions: 'sunny' } },
              },
            },
            {
              functionResponse: {
                name: 'get_weather',
                response: { content: { temperature: 17, conditions: 'overcast' } },
              },
            },
          ],
        },
        { role: 'model', parts: [{ text: 'Paris is sunny at 24°C; London is overcast at 17°C.' }] },
        {
          role: 'user',
          parts: [
            { text: "What's the 3-day forecast for Paris? Here's my itinerary." },
            {
              fileData: {
                fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/8kq2xv0r1n3m',
              },
            },
          ],
        },
        {
          role: 'model',
          parts: [
            {
              functionCall: { name: 'get_forecast', args: { location: 'Paris, France', days: 3 } },
            },
          ],
        },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'get_forecast',
                response: { error: 'forecast service unavailable' },
              },
            },
          ],
        },
      ],
      systemInstruction: {
        parts: [
          { text: 'You are a concise travel assistant.\n\nAlways give temperatures in Celsius.' },
        ],
      },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Current weather for a city.',
              parametersJsonSchema: {
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
              parametersJsonSchema: (
                (body.tools as Record<string, unknown>[])[0].functionDeclarations as Record<
                  string,
                  unknown
                >[]
              )[1].parametersJsonSchema,
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      generationConfig: {
        maxOutputTokens: 2048,
        temperature: 0.7,
        topP: 0.95,
        topK: 40,
        stopSequences: ['\n\nUser:'],
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      },
    });
  });

  it('sends no tool-call ids', () => {
    expect(hubToGeminiRequest(hub, 'gemini-2.5-flash').body).not.toContain('"id"');
  });

  it('signs the unsigned first call of each model turn for Gemini 3, and only there', () => {
    const { contents } = JSON.parse(hubToGeminiRequest(hub, 'gemini-3-pro-preview').body) as {
      contents: { role: string; parts: Record<string, unknown>[] }[];
    };
    const signatures = contents
      .filter((c) => c.role === 'model')
      .map((c) => c.parts.map((p) => p.thoughtSignature));
    expect(signatures).toEqual([[signature, undefined], [undefined], [SKIP_SIGNATURE_VALIDATION]]);
  });
});

describe('hubToGeminiRequest: turns from other formats', () => {
  it('folds a mid-conversation system message into the next user turn, after its function responses', () => {
    const messages: HubMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: '{}' }],
      },
      { role: 'system', content: [{ type: 'text', text: 'Model names are case-sensitive.' }] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'toolu_01',
            name: null,
            content: [{ type: 'text', text: 'sunny' }],
            isError: false,
          },
          { type: 'text', text: 'thanks' },
        ],
      },
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
    ];
    expect(build({ messages }).json.contents).toEqual([
      { role: 'user', parts: [{ text: 'weather?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
      {
        role: 'user',
        parts: [
          // The name comes from the call with that id; text is sent as text.
          { functionResponse: { name: 'get_weather', response: { content: 'sunny' } } },
          { text: 'Model names are case-sensitive.' },
          { text: 'thanks' },
          // A trailing system message becomes a last user turn of its own, merged with this one.
          { text: 'Be brief.' },
        ],
      },
    ]);
  });

  it('merges adjacent turns of one role, as OpenAI tool messages and a following user message produce', () => {
    const messages: HubMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: '' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'c' }] },
    ];
    expect(build({ messages }).json.contents).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }] },
    ]);
  });

  it.each<[string, HubMessage['content'][number], Record<string, unknown>]>([
    [
      'base64',
      { type: 'image', source: { kind: 'base64', mediaType: 'image/webp', data: 'UklG' } },
      { inlineData: { mimeType: 'image/webp', data: 'UklG' } },
    ],
    [
      'a data: URL',
      { type: 'image', source: { kind: 'url', url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    ],
    [
      'an https URL with a known extension',
      { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.JPG?size=large' } },
      {
        fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.JPG?size=large' },
      },
    ],
    [
      'an https URL without an extension',
      { type: 'image', source: { kind: 'url', url: 'https://example.com/image/42' } },
      { fileData: { fileUri: 'https://example.com/image/42' } },
    ],
  ])('sends an image given as %s', (_case, image, expected) => {
    const messages: HubMessage[] = [{ role: 'user', content: [image] }];
    expect(build({ messages }).json.contents).toEqual([{ role: 'user', parts: [expected] }]);
  });

  it('sends a failed result as error, JSON text parsed, and result images after the response', () => {
    const messages: HubMessage[] = [
      {
        role: 'assistant',
        content: [
          { type: 'tool_call', id: 'c1', name: 'lookup', arguments: '{"q":"x"}' },
          { type: 'tool_call', id: 'c2', name: 'shoot', arguments: 'not json' },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'c1',
            name: 'lookup',
            content: [{ type: 'text', text: ' {"rows": [1, 2]} ' }],
            isError: true,
          },
          {
            type: 'tool_result',
            toolCallId: 'c2',
            name: null,
            content: [
              { type: 'text', text: '[not json' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
            ],
            isError: false,
          },
        ],
      },
    ];
    expect(build({ messages }).json.contents).toEqual([
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'lookup', args: { q: 'x' } } },
          // Arguments that are not a JSON object cannot be sent as Gemini's args object.
          { functionCall: { name: 'shoot', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'lookup', response: { error: { rows: [1, 2] } } } },
          { functionResponse: { name: 'shoot', response: { content: '[not json' } } },
          { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
        ],
      },
    ]);
  });

  it('sends a thinking signature on the part after it and drops the thinking text and redacted thinking', () => {
    const messages: HubMessage[] = [
      {
        role: 'assistant',
        content: [
          { type: 'redacted_thinking', data: 'opaque' },
          {
            type: 'thinking',
            text: 'Weighing options',
            signature: { issuer: 'gemini', value: 'c2lnMQ==' },
          },
          { type: 'text', text: 'Here:' },
          { type: 'thinking', text: '', signature: { issuer: 'gemini', value: 'c2lnMg==' } },
          { type: 'tool_call', id: 'c1', name: 'f', arguments: '{}' },
          {
            type: 'thinking',
            text: 'trailing',
            signature: { issuer: 'gemini', value: 'c2lnMw==' },
          },
        ],
      },
    ];
    expect(build({ messages }).json.contents).toEqual([
      {
        role: 'model',
        parts: [
          { text: 'Here:', thoughtSignature: 'c2lnMQ==' },
          { functionCall: { name: 'f', args: {} }, thoughtSignature: 'c2lnMg==' },
        ],
      },
    ]);
  });
});

describe('hubToGeminiRequest: configuration', () => {
  it('uses the non-stream method and strips a models/ prefix from the upstream model', () => {
    expect(build({}, 'models/gemini-2.0-flash').path).toBe(
      '/v1beta/models/gemini-2.0-flash:generateContent',
    );
  });

  it('leaves out empty sections', () => {
    expect(build({}).json).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it.each<[string, HubRequest['toolChoice'], Record<string, unknown> | undefined]>([
    ['auto', 'auto', { functionCallingConfig: { mode: 'AUTO' } }],
    ['none', 'none', { functionCallingConfig: { mode: 'NONE' } }],
    ['required', 'required', { functionCallingConfig: { mode: 'ANY' } }],
    [
      'a named tool',
      { name: 'f' },
      { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } },
    ],
    ['unset', null, undefined],
  ])('maps tool choice %s', (_case, toolChoice, expected) => {
    const tools = [{ name: 'f', description: null, parameters: { type: 'object' } }];
    expect(build({ tools, toolChoice }).json.toolConfig).toEqual(expected);
  });

  it('declares tools with their JSON Schema, and without one when there are no arguments', () => {
    const parameters = {
      type: 'object',
      properties: { q: { type: 'string' } },
      required: ['q'],
      additionalProperties: false,
    };
    const { json } = build({
      tools: [
        { name: 'search', description: 'Search the web', parameters },
        {
          name: 'now',
          description: '',
          parameters: { type: 'object', properties: {}, required: [], additionalProperties: false },
        },
      ],
    });
    expect(json.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'search', description: 'Search the web', parametersJsonSchema: parameters },
          { name: 'now' },
        ],
      },
    ]);
    expect(json.toolConfig).toBeUndefined();
  });

  it.each<[string, HubRequest['reasoning'], Record<string, unknown> | undefined]>([
    ['none asked', null, undefined],
    [
      'a budget',
      { effort: null, budgetTokens: 3000 },
      { thinkingBudget: 3000, includeThoughts: true },
    ],
    [
      'a budget over an effort',
      { effort: 'high', budgetTokens: 2000 },
      { thinkingBudget: 2000, includeThoughts: true },
    ],
    [
      'minimal effort',
      { effort: 'minimal', budgetTokens: null },
      { thinkingBudget: 512, includeThoughts: true },
    ],
    [
      'low effort',
      { effort: 'low', budgetTokens: null },
      { thinkingBudget: 1024, includeThoughts: true },
    ],
    [
      'medium effort',
      { effort: 'medium', budgetTokens: null },
      { thinkingBudget: 8192, includeThoughts: true },
    ],
    [
      'high effort',
      { effort: 'high', budgetTokens: null },
      { thinkingBudget: 24576, includeThoughts: true },
    ],
    ['thinking off', { effort: null, budgetTokens: 0 }, { thinkingBudget: 0 }],
    ['neither (model default)', { effort: null, budgetTokens: null }, { includeThoughts: true }],
  ])('maps reasoning: %s', (_case, reasoning, expected) => {
    expect(build({ reasoning }).json.generationConfig?.thinkingConfig).toEqual(expected);
  });

  it.each<[string, HubRequest['responseFormat'], Record<string, unknown>]>([
    ['json_object', { type: 'json_object' }, { responseMimeType: 'application/json' }],
    [
      'json_schema',
      { type: 'json_schema', name: 'answer', schema: { type: 'object', required: ['a'] } },
      {
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', required: ['a'] },
      },
    ],
  ])('maps responseFormat %s', (_case, responseFormat, expected) => {
    expect(build({ responseFormat }).json.generationConfig).toEqual(expected);
  });

  it('sends sampling settings and at most five stop sequences', () => {
    expect(
      build({
        maxTokens: 100,
        temperature: 0,
        topP: 1,
        topK: 5,
        stop: ['1', '2', '3', '4', '5', '6'],
        parallelToolCalls: false,
        user: 'u-1',
      }).json.generationConfig,
    ).toEqual({
      maxOutputTokens: 100,
      temperature: 0,
      topP: 1,
      topK: 5,
      stopSequences: ['1', '2', '3', '4', '5'],
    });
  });
});

describe('hubResponseToGemini', () => {
  const ctx = { requestId: 'req_7f3a', sse: false, model: 'gemini-2.5-pro' };

  it('renders text, thoughts with signatures and calls with their ids, usage and finish reason', () => {
    const hub: HubResponse = {
      id: 'msg_01XyZ',
      model: 'claude-sonnet-4-6',
      content: [
        {
          type: 'thinking',
          text: 'The user wants Paris.',
          signature: { issuer: 'anthropic', value: 'RXFRS0NrWUlC' },
        },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'text', text: 'Checking now.' },
        { type: 'tool_call', id: 'toolu_01A', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
      stopReason: 'tool_use',
      stopSequence: null,
      usage: { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 1000, cacheWriteTokens: 150 },
    };
    expect(hubResponseToGemini(hub, ctx)).toEqual({
      candidates: [
        {
          content: {
            parts: [
              // The signature on the part after the thought, relayed with the text it signs.
              { text: 'The user wants Paris.', thought: true },
              {
                text: 'Checking now.',
                thoughtSignature: clientSignature(
                  { issuer: 'anthropic', value: 'RXFRS0NrWUlC' },
                  'gemini',
                  'The user wants Paris.',
                ),
              },
              { functionCall: { id: 'toolu_01A', name: 'get_weather', args: { city: 'Paris' } } },
            ],
            role: 'model',
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 1200,
        candidatesTokenCount: 80,
        totalTokenCount: 1280,
        cachedContentTokenCount: 1000,
      },
      modelVersion: 'gemini-2.5-pro',
      responseId: 'req_7f3a',
    });
  });

  it('leaves parts out of an empty answer, as Gemini does', () => {
    const hub: HubResponse = {
      id: 'x',
      model: 'm',
      content: [],
      stopReason: 'max_tokens',
      stopSequence: null,
      usage: { inputTokens: 3, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    };
    expect(hubResponseToGemini(hub, ctx).candidates).toEqual([
      { content: { role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 },
    ]);
  });

  it('survives a round trip through the upstream parser (render → parse gives the same content)', () => {
    const hub = geminiResponseToHub(fixture('generate-content-response.json'));
    const again = geminiResponseToHub(hubResponseToGemini(hub, ctx));
    expect(again.content).toEqual(hub.content);
    expect(again.stopReason).toBe('tool_use');
  });
});

describe('finishReasonFromHub', () => {
  it.each<[HubStopReason, string]>([
    ['end_turn', 'STOP'],
    ['stop_sequence', 'STOP'],
    ['tool_use', 'STOP'],
    ['max_tokens', 'MAX_TOKENS'],
    ['content_filter', 'SAFETY'],
    ['refusal', 'SAFETY'],
  ])('%s → %s', (stopReason, expected) => {
    expect(finishReasonFromHub(stopReason)).toBe(expected);
  });
});
