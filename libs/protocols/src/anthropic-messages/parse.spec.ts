// Request validation against the Messages API's own 400s (`<location>: <problem>`), through the adapter's
// parseRequest (the edge checks of parse.ts and the deep walk of to-hub.ts).
import { anthropicMessages } from './anthropic-messages.adapter';
import { messagesInvalidJsonError, parseMessagesRequest } from './parse';

const parse = (body: unknown) => anthropicMessages.client.parseRequest(body, null);

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024 };
const hi = [{ role: 'user', content: 'hi' }];
const withMessages = (...messages: unknown[]) => ({ ...base, messages });
const withField = (field: string, value: unknown) => ({ ...base, messages: hi, [field]: value });
const toolUse = {
  role: 'assistant',
  content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }],
};

describe('parseRequest: valid requests', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a minimal request', withMessages(...hi)],
    [
      'an empty final assistant message (a prefill to fill in)',
      withMessages(...hi, { role: 'assistant', content: '' }),
    ],
    [
      'a system message in the middle of the conversation (Claude Code sends one)',
      withMessages(
        ...hi,
        { role: 'assistant', content: 'ok' },
        { role: 'system', content: 'x' },
        ...hi,
      ),
    ],
    ['consecutive user messages (the API merges them)', withMessages(...hi, ...hi)],
    ['an unknown top-level field, for the upstream to judge', withField('context_management', {})],
    [
      'block types the gateway does not know',
      withMessages(...hi, {
        role: 'assistant',
        content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }],
      }),
    ],
    ['an Anthropic-defined tool', withField('tools', [{ type: 'bash_20250124', name: 'bash' }])],
    [
      'an explicitly custom tool',
      withField('tools', [{ type: 'custom', name: 'f', input_schema: { type: 'object' } }]),
    ],
    [
      'null optional fields',
      { ...withMessages(...hi), temperature: null, stream: null, system: null },
    ],
    [
      'a thinking budget above max_tokens (allowed with the interleaved-thinking beta)',
      withField('thinking', { type: 'enabled', budget_tokens: 2048 }),
    ],
    ['thinking disabled', withField('thinking', { type: 'disabled' })],
    ['metadata without a user', withField('metadata', {})],
  ])('accepts %s', (_case, body) => {
    expect(parse(body)).toMatchObject({ ok: true });
  });

  it('gives the view routing needs', () => {
    expect(parseMessagesRequest({ ...withMessages(...hi), stream: true })).toEqual({
      ok: true,
      body: expect.any(Object),
      view: { model: 'claude-sonnet-4-5', maxTokens: 1024, stream: true },
    });
  });
});

describe('parseRequest: invalid requests (400 invalid_request_error)', () => {
  it.each<[string, unknown, string | null, string]>([
    // [case, body, param, message]
    ['an array body', [], null, 'Input should be a valid dictionary'],
    ['no model', { max_tokens: 1, messages: hi }, 'model', 'model: Field required'],
    [
      'a numeric model',
      { ...withMessages(...hi), model: 4 },
      'model',
      'model: Input should be a valid string',
    ],
    [
      'an empty model',
      { ...withMessages(...hi), model: '' },
      'model',
      'model: String should have at least 1 character',
    ],
    ['no max_tokens', { model: 'm', messages: hi }, 'max_tokens', 'max_tokens: Field required'],
    [
      'max_tokens null',
      { model: 'm', messages: hi, max_tokens: null },
      'max_tokens',
      'max_tokens: Input should be a valid integer',
    ],
    [
      'max_tokens 0',
      { model: 'm', messages: hi, max_tokens: 0 },
      'max_tokens',
      'max_tokens: Input should be greater than or equal to 1',
    ],
    [
      'decimal max_tokens',
      { model: 'm', messages: hi, max_tokens: 1.5 },
      'max_tokens',
      'max_tokens: Input should be a valid integer, got a number with a fractional part',
    ],
    ['no messages', base, 'messages', 'messages: Field required'],
    [
      'messages as a string',
      { ...base, messages: 'hi' },
      'messages',
      'messages: Input should be a valid list',
    ],
    ['empty messages', withMessages(), 'messages', 'messages: at least one message is required'],
    [
      'a message that is not an object',
      withMessages('hi'),
      'messages.0',
      'messages.0: Input should be a valid dictionary',
    ],
    [
      'a message without role',
      withMessages(...hi, { content: 'x' }),
      'messages.1.role',
      'messages.1.role: Field required',
    ],
    [
      'an unknown role',
      withMessages({ role: 'bot', content: 'x' }),
      'messages.0.role',
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      "OpenAI's tool role",
      withMessages(...hi, { role: 'tool', content: 'x' }),
      'messages.1.role',
      "messages.1.role: Input should be 'user' or 'assistant'",
    ],
    [
      'a message without content',
      withMessages({ role: 'user' }),
      'messages.0.content',
      'messages.0.content: Field required',
    ],
    [
      'empty content before the end',
      withMessages({ role: 'user', content: '' }, { role: 'assistant', content: 'x' }),
      'messages.0',
      'messages.0: all messages must have non-empty content except for the optional final assistant message',
    ],
    [
      'an empty final user message',
      withMessages({ role: 'user', content: [] }),
      'messages.0',
      'messages.0: all messages must have non-empty content except for the optional final assistant message',
    ],
    [
      'an empty system message',
      withMessages(...hi, { role: 'system', content: '' }, ...hi),
      'messages.1',
      'messages.1: all messages must have non-empty content except for the optional final assistant message',
    ],
    [
      'numeric content',
      withMessages({ role: 'user', content: 5 }),
      'messages.0.content',
      'messages.0.content: Input should be a valid string or a valid list',
    ],
    [
      'a block without a type',
      withMessages({ role: 'user', content: [{ text: 'x' }] }),
      'messages.0.content.0',
      "messages.0.content.0: Unable to extract tag using discriminator 'type'",
    ],
    [
      'a text block without text',
      withMessages({ role: 'user', content: [{ type: 'text' }] }),
      'messages.0.content.0.text.text',
      'messages.0.content.0.text.text: Field required',
    ],
    [
      'an empty text block',
      withMessages({ role: 'user', content: [{ type: 'text', text: '' }] }),
      'messages',
      'messages: text content blocks must be non-empty',
    ],
    [
      'a whitespace text block',
      withMessages({ role: 'user', content: [{ type: 'text', text: ' \n' }] }),
      'messages',
      'messages: text content blocks must contain non-whitespace text',
    ],
    [
      'an image of an unsupported media type',
      withMessages({
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'Qk0=' } },
        ],
      }),
      'messages.0.content.0.image.source.base64.media_type',
      "messages.0.content.0.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
    ],
    [
      'an image source of an unknown type',
      withMessages({
        role: 'user',
        content: [{ type: 'image', source: { type: 'path', path: '/tmp/a.png' } }],
      }),
      'messages.0.content.0.image.source',
      "messages.0.content.0.image.source: Input tag 'path' found using 'type' does not match any of the expected tags: 'base64', 'url' or 'file'",
    ],
    [
      'an image URL source without url',
      withMessages({ role: 'user', content: [{ type: 'image', source: { type: 'url' } }] }),
      'messages.0.content.0.image.source.url.url',
      'messages.0.content.0.image.source.url.url: Field required',
    ],
    [
      'a tool_use without id',
      withMessages(...hi, {
        role: 'assistant',
        content: [{ type: 'tool_use', name: 'f', input: {} }],
      }),
      'messages.1.content.0.tool_use.id',
      'messages.1.content.0.tool_use.id: Field required',
    ],
    [
      'a tool_use with string input',
      withMessages(...hi, {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't', name: 'f', input: '{}' }],
      }),
      'messages.1.content.0.tool_use.input',
      'messages.1.content.0.tool_use.input: Input should be a valid dictionary',
    ],
    [
      'a tool_result without tool_use_id',
      withMessages(...hi, toolUse, {
        role: 'user',
        content: [{ type: 'tool_result', content: 'x' }],
      }),
      'messages.2.content.0.tool_result.tool_use_id',
      'messages.2.content.0.tool_result.tool_use_id: Field required',
    ],
    [
      'a tool_result with a string is_error',
      withMessages(...hi, toolUse, {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: 'yes' }],
      }),
      'messages.2.content.0.tool_result.is_error',
      'messages.2.content.0.tool_result.is_error: Input should be a valid boolean',
    ],
    [
      'a tool_result with an empty text block',
      withMessages(...hi, toolUse, {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '' }] },
        ],
      }),
      'messages',
      'messages: text content blocks must be non-empty',
    ],
    [
      'a thinking block without signature',
      withMessages(...hi, { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm' }] }),
      'messages.1.content.0.thinking.signature',
      'messages.1.content.0.thinking.signature: Field required',
    ],
    [
      'a redacted_thinking block without data',
      withMessages(...hi, { role: 'assistant', content: [{ type: 'redacted_thinking' }] }),
      'messages.1.content.0.redacted_thinking.data',
      'messages.1.content.0.redacted_thinking.data: Field required',
    ],
    [
      'an image in a system message',
      withMessages(...hi, {
        role: 'system',
        content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }],
      }),
      'messages.1.content.0',
      "messages.1.content.0: Input tag 'image' found using 'type' does not match any of the expected tags: 'text'",
    ],
    [
      'a numeric system',
      withField('system', 1),
      'system',
      'system: Input should be a valid string or a valid list',
    ],
    [
      'an image block in system',
      withField('system', [{ type: 'image' }]),
      'system.0',
      "system.0: Input tag 'image' found using 'type' does not match any of the expected tags: 'text'",
    ],
    [
      'an empty system block',
      withField('system', [{ type: 'text', text: '' }]),
      'system',
      'system: text content blocks must be non-empty',
    ],
    [
      'temperature above 1 (OpenAI allows 2)',
      withField('temperature', 1.5),
      'temperature',
      'temperature: Input should be less than or equal to 1',
    ],
    [
      'negative temperature',
      withField('temperature', -0.1),
      'temperature',
      'temperature: Input should be greater than or equal to 0',
    ],
    [
      'top_p as a string',
      withField('top_p', '0.9'),
      'top_p',
      'top_p: Input should be a valid number',
    ],
    [
      'negative top_k',
      withField('top_k', -1),
      'top_k',
      'top_k: Input should be greater than or equal to 0',
    ],
    [
      'stop_sequences as a string',
      withField('stop_sequences', 'END'),
      'stop_sequences',
      'stop_sequences: Input should be a valid list',
    ],
    [
      'a numeric stop sequence',
      withField('stop_sequences', ['END', 1]),
      'stop_sequences.1',
      'stop_sequences.1: Input should be a valid string',
    ],
    [
      'stream as a string',
      withField('stream', 'yes'),
      'stream',
      'stream: Input should be a valid boolean',
    ],
    ['tools as an object', withField('tools', {}), 'tools', 'tools: Input should be a valid list'],
    [
      'a tool without input_schema',
      withField('tools', [{ name: 'f' }]),
      'tools.0.custom.input_schema',
      'tools.0.custom.input_schema: Field required',
    ],
    [
      'an OpenAI-shaped tool',
      withField('tools', [{ type: 'function', function: { name: 'f' } }]),
      'tools.0',
      "tools.0: Input tag 'function' found using 'type' does not match any of the expected tags: 'custom' or a dated Anthropic tool type such as 'bash_20250124'",
    ],
    [
      'a tool name with a space',
      withField('tools', [{ name: 'get weather', input_schema: { type: 'object' } }]),
      'tools.0.custom.name',
      "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'",
    ],
    [
      'two tools of one name',
      withField('tools', [
        { name: 'f', input_schema: { type: 'object' } },
        { name: 'f', input_schema: { type: 'object' } },
      ]),
      'tools',
      'tools: Tool names must be unique.',
    ],
    [
      "OpenAI's tool_choice string",
      withField('tool_choice', 'auto'),
      'tool_choice',
      'tool_choice: Input should be a valid dictionary',
    ],
    [
      "OpenAI's 'required'",
      withField('tool_choice', { type: 'required' }),
      'tool_choice',
      "tool_choice: Input tag 'required' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool' or 'none'",
    ],
    [
      'a tool choice without a name',
      withField('tool_choice', { type: 'tool' }),
      'tool_choice.tool.name',
      'tool_choice.tool.name: Field required',
    ],
    [
      'a string disable_parallel_tool_use',
      withField('tool_choice', { type: 'any', disable_parallel_tool_use: 'true' }),
      'tool_choice.any.disable_parallel_tool_use',
      'tool_choice.any.disable_parallel_tool_use: Input should be a valid boolean',
    ],
    [
      'thinking without a budget',
      withField('thinking', { type: 'enabled' }),
      'thinking.enabled.budget_tokens',
      'thinking.enabled.budget_tokens: Field required',
    ],
    [
      'a thinking budget under 1024',
      withField('thinking', { type: 'enabled', budget_tokens: 512 }),
      'thinking.enabled.budget_tokens',
      'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
    ],
    [
      'an unknown thinking type',
      withField('thinking', { type: 'on' }),
      'thinking',
      "thinking: Input tag 'on' found using 'type' does not match any of the expected tags: 'enabled', 'disabled' or 'adaptive'",
    ],
    [
      'a numeric user_id',
      withField('metadata', { user_id: 42 }),
      'metadata.user_id',
      'metadata.user_id: Input should be a valid string',
    ],
  ])('rejects %s', (_case, body, param, message) => {
    expect(parse(body)).toEqual({
      ok: false,
      error: { status: 400, type: 'invalid_request_error', code: null, param, message },
    });
  });

  it('describes a body that is not JSON at all the way the API does', () => {
    expect(messagesInvalidJsonError()).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: null,
      param: null,
      message:
        'There was an error parsing the body of your request. Please ensure your body is valid JSON.',
    });
  });
});
