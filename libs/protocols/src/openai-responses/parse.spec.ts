// Edge validation of Responses requests against the real API's 400s, and what the gateway refuses to serve.
import { parseResponsesRequest } from './parse';
import type { ResponsesRequestView } from './types';

describe('parseResponsesRequest: valid requests', () => {
  it.each<[string, Record<string, unknown>, ResponsesRequestView]>([
    [
      'a string input',
      { model: 'gpt-5', input: 'hi' },
      { model: 'gpt-5', stream: false, maxOutputTokens: null, fallbackModels: [] },
    ],
    [
      'an item list, streaming, with a token limit',
      {
        model: 'openai/gpt-5',
        input: [{ role: 'user', content: 'hi' }],
        stream: true,
        max_output_tokens: 16,
      },
      { model: 'openai/gpt-5', stream: true, maxOutputTokens: 16, fallbackModels: [] },
    ],
    [
      'nulls for optional fields',
      { model: 'm', input: 'x', stream: null, max_output_tokens: null, previous_response_id: null },
      { model: 'm', stream: false, maxOutputTokens: null, fallbackModels: [] },
    ],
    [
      'a fallback chain',
      { model: 'a', input: 'x', models: ['a', 'b'], fallbacks: ['b', 'c'] },
      { model: 'a', stream: false, maxOutputTokens: null, fallbackModels: ['b', 'c'] },
    ],
    [
      'background: false',
      { model: 'm', input: 'x', background: false },
      { model: 'm', stream: false, maxOutputTokens: null, fallbackModels: [] },
    ],
  ])('accepts %s', (_case, body, view) => {
    const result = parseResponsesRequest(body);
    expect(result).toEqual({ ok: true, body, view });
    expect(result.ok && result.body).toBe(body); // relayed as sent, not copied
  });
});

describe('parseResponsesRequest: invalid requests (400 invalid_request_error)', () => {
  it.each<[string, unknown, string | null, string | null, string]>([
    [
      'an array body',
      [],
      null,
      'invalid_type',
      'Invalid type for request body: expected an object, but got an array instead.',
    ],
    [
      'no model',
      { input: 'x' },
      'model',
      'missing_required_parameter',
      "Missing required parameter: 'model'.",
    ],
    [
      'an empty model',
      { model: '', input: 'x' },
      'model',
      'missing_required_parameter',
      "Missing required parameter: 'model'.",
    ],
    [
      'a numeric model',
      { model: 5, input: 'x' },
      'model',
      'invalid_type',
      "Invalid type for 'model': expected a string, but got an integer instead.",
    ],
    [
      'no input',
      { model: 'm' },
      'input',
      'missing_required_parameter',
      "Missing required parameter: 'input'.",
    ],
    [
      'an object input',
      { model: 'm', input: { role: 'user' } },
      'input',
      'invalid_type',
      "Invalid type for 'input': expected one of a string or an array of input items, but got an object instead.",
    ],
    [
      'stream as a string',
      { model: 'm', input: 'x', stream: 'yes' },
      'stream',
      'invalid_type',
      "Invalid type for 'stream': expected a boolean, but got a string instead.",
    ],
    [
      'max_output_tokens under the floor of 16',
      { model: 'm', input: 'x', max_output_tokens: 15 },
      'max_output_tokens',
      'integer_below_min_value',
      "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 15 instead.",
    ],
    [
      'decimal max_output_tokens',
      { model: 'm', input: 'x', max_output_tokens: 100.5 },
      'max_output_tokens',
      'invalid_type',
      "Invalid type for 'max_output_tokens': expected an integer, but got a decimal number instead.",
    ],
    [
      'a non-string in models',
      { model: 'm', input: 'x', models: [1] },
      'models[0]',
      'invalid_type',
      "Invalid type for 'models[0]': expected a string, but got an integer instead.",
    ],
  ])('rejects %s', (_case, body, param, code, message) => {
    expect(parseResponsesRequest(body)).toEqual({
      ok: false,
      error: { status: 400, type: 'invalid_request_error', param, code, message },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['conversation', { conversation: 'conv_123' }, 'conversation'],
    ['background mode', { background: true }, 'background'],
  ])('refuses %s: the gateway stores no responses', (_case, fields, param) => {
    const result = parseResponsesRequest({ model: 'm', input: 'x', ...fields });
    expect(result).toEqual({
      ok: false,
      error: {
        status: 400,
        type: 'invalid_request_error',
        code: 'unsupported_parameter',
        param,
        message: expect.stringMatching(
          new RegExp(`^Unsupported parameter: '${param}'\\. This gateway stores no`),
        ),
      },
    });
  });
});
