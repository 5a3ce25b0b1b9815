// Request validation against the Gemini API's own 400 INVALID_ARGUMENT answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGeminiRequest } from './parse';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));
const hi = [{ role: 'user', parts: [{ text: 'hi' }] }];
const CONTENT = 'type.googleapis.com/google.ai.generativelanguage.v1beta.Content';

describe('parseGeminiRequest: valid requests', () => {
  it('accepts the recorded multi-turn request and keeps every translated field', () => {
    const result = parseGeminiRequest(fixture('multi-turn-request.json'), 'gemini-2.5-flash');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.request.contents.map((c) => c.role)).toEqual([
      'user',
      'model',
      'user',
      'model',
      'user',
      'model',
      'user',
    ]);
    expect(result.request.systemInstruction?.parts).toHaveLength(2);
    expect(result.request.tools?.[0].functionDeclarations?.map((d) => d.name)).toEqual([
      'get_weather',
      'get_forecast',
    ]);
    expect(result.request.generationConfig?.thinkingConfig).toEqual({
      thinkingBudget: 1024,
      includeThoughts: true,
    });
    // Not translated, so not kept.
    expect(result.request).not.toHaveProperty('safetySettings');
  });

  it.each<[string, Record<string, unknown>, (r: unknown) => unknown, unknown]>([
    [
      'a single content without a role (the user)',
      { contents: [{ parts: [{ text: 'hi' }] }] },
      (r) => r,
      { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    ],
    [
      'null optional fields, read as absent',
      { contents: hi, generationConfig: null, tools: null, systemInstruction: null },
      (r) => r,
      { contents: hi },
    ],
    [
      'enum values in lower case',
      { contents: hi, toolConfig: { functionCallingConfig: { mode: 'any' } } },
      (r) => (r as { toolConfig: unknown }).toolConfig,
      { functionCallingConfig: { mode: 'ANY' } },
    ],
    [
      'a code-execution part (valid, carried without data)',
      {
        contents: [
          { role: 'user', parts: [{ text: 'run it' }] },
          { role: 'model', parts: [{ executableCode: { language: 'PYTHON', code: 'print(1)' } }] },
        ],
      },
      (r) => (r as { contents: { parts: unknown[] }[] }).contents[1].parts,
      [{}],
    ],
    [
      'a function response paired by id with a call of the same id',
      {
        contents: [
          { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'f', args: {} } }] },
          { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'f', response: {} } }] },
        ],
      },
      (r) => (r as { contents: unknown[] }).contents.length,
      2,
    ],
    [
      'a URL-safe base64 signature without padding',
      {
        contents: [{ role: 'model', parts: [{ text: 'x', thoughtSignature: 'ab-_cd' }] }],
      },
      (r) => (r as { contents: { parts: unknown[] }[] }).contents[0].parts[0],
      { text: 'x', thoughtSignature: 'ab-_cd' },
    ],
    [
      'a 16 MB inline image (base64 checked without a backtracking regex)',
      {
        contents: [
          {
            role: 'user',
            parts: [
              {
                inlineData: {
                  mimeType: 'image/png',
                  data: Buffer.alloc(12 * 1024 * 1024, 7).toString('base64'),
                },
              },
            ],
          },
        ],
      },
      (r) =>
        (r as { contents: { parts: { inlineData: { data: string } }[] }[] }).contents[0].parts[0]
          .inlineData.data.length,
      16 * 1024 * 1024,
    ],
  ])('accepts %s', (_case, body, pick, expected) => {
    const result = parseGeminiRequest(body, 'gemini-2.5-flash');
    if (!result.ok) throw new Error(result.error.message);
    expect(pick(result.request)).toEqual(expected);
  });
});

describe('parseGeminiRequest: invalid requests (400 INVALID_ARGUMENT)', () => {
  const call = { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] };
  const answer = { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] };

  it.each<[string, unknown, string | null, string | null, string]>([
    // [case, body, urlModel, param, message]
    [
      'an array body',
      [],
      'm',
      null,
      'Invalid JSON payload received. Unknown name "": Root element must be a message.',
    ],
    [
      'no model in the URL',
      { contents: hi },
      null,
      'model',
      '* GenerateContentRequest.model: unexpected model name format\n',
    ],
    [
      'no contents',
      {},
      'm',
      'contents',
      '* GenerateContentRequest.contents: contents is not specified\n',
    ],
    [
      'empty contents',
      { contents: [] },
      'm',
      'contents',
      '* GenerateContentRequest.contents: contents is not specified\n',
    ],
    [
      'contents as a string',
      { contents: 'hi' },
      'm',
      'contents',
      `Invalid value at 'contents' (${CONTENT}), "hi"`,
    ],
    [
      'a content that is not an object',
      { contents: ['hi'] },
      'm',
      'contents[0]',
      `Invalid value at 'contents[0]' (${CONTENT}), "hi"`,
    ],
    [
      'the OpenAI role assistant',
      { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
      'm',
      'contents[0].role',
      'Please use a valid role: user, model.',
    ],
    [
      'a system role in a conversation',
      { contents: [...hi, { role: 'system', parts: [{ text: 'x' }] }] },
      'm',
      'contents[1].role',
      'Please use a valid role: user, model.',
    ],
    [
      'a turn without a role in a conversation',
      { contents: [...hi, { parts: [{ text: 'x' }] }] },
      'm',
      'contents[1].role',
      'Please use a valid role: user, model.',
    ],
    [
      'a numeric role',
      { contents: [{ role: 1, parts: [{ text: 'x' }] }] },
      'm',
      'contents[0].role',
      "Invalid value at 'contents[0].role' (TYPE_STRING), 1",
    ],
    [
      'a content without parts',
      { contents: [{ role: 'user' }] },
      'm',
      'contents[0].parts',
      '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n',
    ],
    [
      'empty parts',
      { contents: [{ role: 'user', parts: [] }] },
      'm',
      'contents[0].parts',
      '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n',
    ],
    [
      'a part with no data',
      { contents: [{ role: 'user', parts: [{}] }] },
      'm',
      'contents[0].parts[0].data',
      "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n",
    ],
    [
      'a part with two data fields',
      {
        contents: [
          {
            role: 'user',
            parts: [{ text: 'x', inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
          },
        ],
      },
      'm',
      'contents[0].parts[0].inlineData',
      "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set 'inlineData'",
    ],
    [
      'a numeric text',
      { contents: [{ role: 'user', parts: [{ text: 42 }] }] },
      'm',
      'contents[0].parts[0].text',
      "Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 42",
    ],
    [
      'inline data without a MIME type',
      { contents: [{ role: 'user', parts: [{ inlineData: { data: 'AAAA' } }] }] },
      'm',
      'contents[0].parts[0].inlineData.mimeType',
      '* GenerateContentRequest.contents[0].parts[0].inline_data.mime_type: mime_type must not be empty\n',
    ],
    [
      'inline data that is not base64',
      {
        contents: [
          { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'not base64!' } }] },
        ],
      },
      'm',
      'contents[0].parts[0].inlineData.data',
      `Invalid value at 'contents[0].parts[0].inline_data.data' (TYPE_BYTES), Base64 decoding failed for "not base64!"`,
    ],
    [
      'base64 with a lone trailing character',
      {
        contents: [
          { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAAB' } }] },
        ],
      },
      'm',
      'contents[0].parts[0].inlineData.data',
      `Invalid value at 'contents[0].parts[0].inline_data.data' (TYPE_BYTES), Base64 decoding failed for "AAAAB"`,
    ],
    [
      'file data without a URI',
      { contents: [{ role: 'user', parts: [{ fileData: { mimeType: 'image/png' } }] }] },
      'm',
      'contents[0].parts[0].fileData.fileUri',
      '* GenerateContentRequest.contents[0].parts[0].file_data.file_uri: file_uri must not be empty\n',
    ],
    [
      'a function call without a name',
      { contents: [{ role: 'model', parts: [{ functionCall: { args: {} } }] }] },
      'm',
      'contents[0].parts[0].functionCall.name',
      '* GenerateContentRequest.contents[0].parts[0].function_call.name: Name cannot be empty.\n',
    ],
    [
      'function call args as an array',
      { contents: [{ role: 'model', parts: [{ functionCall: { name: 'f', args: [1] } }] }] },
      'm',
      'contents[0].parts[0].functionCall.args',
      "Invalid value at 'contents[0].parts[0].function_call.args' (type.googleapis.com/google.protobuf.Struct), [1]",
    ],
    [
      'a function response without any call',
      { contents: [...hi, answer] },
      'm',
      'contents[1].parts[0].functionResponse',
      'Please ensure that function response turn comes immediately after a function call turn.',
    ],
    [
      'two function responses to one call',
      { contents: [...hi, call, { role: 'user', parts: [...answer.parts, ...answer.parts] }] },
      'm',
      'contents[2].parts[1].functionResponse',
      'Please ensure that function response turn comes immediately after a function call turn.',
    ],
    [
      'a function response naming another function',
      {
        contents: [
          ...hi,
          call,
          { role: 'user', parts: [{ functionResponse: { name: 'g', response: {} } }] },
        ],
      },
      'm',
      'contents[2].parts[0].functionResponse',
      'Please ensure that function response turn comes immediately after a function call turn.',
    ],
    [
      'thought as a string',
      { contents: [{ role: 'model', parts: [{ text: 'x', thought: 'yes' }] }] },
      'm',
      'contents[0].parts[0].thought',
      `Invalid value at 'contents[0].parts[0].thought' (TYPE_BOOL), "yes"`,
    ],
    [
      'a system instruction as a string',
      { contents: hi, systemInstruction: 'be brief' },
      'm',
      'systemInstruction',
      `Invalid value at 'system_instruction' (${CONTENT}), "be brief"`,
    ],
    [
      'tools as an object',
      { contents: hi, tools: { functionDeclarations: [] } },
      'm',
      'tools',
      `Invalid value at 'tools' (type.googleapis.com/google.ai.generativelanguage.v1beta.Tool), {"functionDeclarations":[]}`,
    ],
    [
      'a function name starting with a digit',
      { contents: hi, tools: [{ functionDeclarations: [{ name: '1st_tool' }] }] },
      'm',
      'tools[0].functionDeclarations[0].name',
      '* GenerateContentRequest.tools[0].function_declarations[0].name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.) or dashes (-), with a maximum length of 64.\n',
    ],
    [
      'both parameters and parametersJsonSchema',
      {
        contents: hi,
        tools: [
          {
            functionDeclarations: [
              {
                name: 'f',
                parameters: { type: 'OBJECT' },
                parametersJsonSchema: { type: 'object' },
              },
            ],
          },
        ],
      },
      'm',
      'tools[0].functionDeclarations[0].parametersJsonSchema',
      '* GenerateContentRequest.tools[0].function_declarations[0].parameters_json_schema: parameters and parameters_json_schema cannot both be set\n',
    ],
    [
      'an unknown calling mode',
      { contents: hi, toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } } },
      'm',
      'toolConfig.functionCallingConfig.mode',
      `Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "SOMETIMES"`,
    ],
    [
      'a temperature as a string',
      { contents: hi, generationConfig: { temperature: 'hot' } },
      'm',
      'generationConfig.temperature',
      `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"`,
    ],
    [
      'a fractional maxOutputTokens',
      { contents: hi, generationConfig: { maxOutputTokens: 1.5 } },
      'm',
      'generationConfig.maxOutputTokens',
      "Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32), 1.5",
    ],
    [
      'a numeric stop sequence',
      { contents: hi, generationConfig: { stopSequences: ['ok', 7] } },
      'm',
      'generationConfig.stopSequences[1]',
      "Invalid value at 'generation_config.stop_sequences[1]' (TYPE_STRING), 7",
    ],
    [
      'a thinking budget as a string',
      { contents: hi, generationConfig: { thinkingConfig: { thinkingBudget: 'lots' } } },
      'm',
      'generationConfig.thinkingConfig.thinkingBudget',
      `Invalid value at 'generation_config.thinking_config.thinking_budget' (TYPE_INT32), "lots"`,
    ],
    [
      'an unknown thinking level',
      { contents: hi, generationConfig: { thinkingConfig: { thinkingLevel: 'extreme' } } },
      'm',
      'generationConfig.thinkingConfig.thinkingLevel',
      `Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), "extreme"`,
    ],
  ])('refuses %s', (_case, body, urlModel, param, message) => {
    expect(parseGeminiRequest(body, urlModel)).toEqual({
      ok: false,
      error: { status: 400, type: 'INVALID_ARGUMENT', code: null, param, message },
    });
  });
});
