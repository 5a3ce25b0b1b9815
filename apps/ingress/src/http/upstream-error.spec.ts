import { foreignUpstreamError } from './upstream-error';

const openai = JSON.stringify({
  error: {
    message: 'bad temperature',
    type: 'invalid_request_error',
    code: null,
    param: 'temperature',
  },
});
const anthropic = JSON.stringify({
  type: 'error',
  error: { type: 'invalid_request_error', message: 'max_tokens: too large' },
});
const gemini = JSON.stringify({
  error: { code: 400, message: 'contents is not specified', status: 'INVALID_ARGUMENT' },
});

describe('foreignUpstreamError', () => {
  it.each<[string, Parameters<typeof foreignUpstreamError>[0], string, string | null]>([
    ['OpenAI to an OpenAI caller: relayed', 'openai', openai, null],
    ['Anthropic to an Anthropic caller: relayed', 'anthropic', anthropic, null],
    ['Gemini to a Gemini caller: relayed', 'gemini', gemini, null],
    ['Anthropic to an OpenAI caller', 'openai', anthropic, 'max_tokens: too large'],
    ['Gemini to an OpenAI caller', 'openai', gemini, 'contents is not specified'],
    ['OpenAI to an Anthropic caller', 'anthropic', openai, 'bad temperature'],
    ['Gemini to an Anthropic caller', 'anthropic', gemini, 'contents is not specified'],
    ['OpenAI to a Gemini caller', 'gemini', openai, 'bad temperature'],
    ['Anthropic to a Gemini caller', 'gemini', anthropic, 'max_tokens: too large'],
    ['a bare error string', 'openai', '{"error":"nope"}', 'nope'],
    [
      'HTML from a proxy in front of the provider',
      'anthropic',
      '<html>Bad Request</html>',
      'The upstream provider refused the request: <html>Bad Request</html>',
    ],
    ['an empty body', 'gemini', '', 'The upstream provider refused the request.'],
  ])('%s', (_, format, body, expected) => {
    expect(foreignUpstreamError(format, body)).toBe(expected);
  });
});
