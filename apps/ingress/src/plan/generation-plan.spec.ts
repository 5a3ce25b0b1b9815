import { KeyRecord } from '@relaymesh/contracts';
import { anthropicMessages, gemini, openAIChat, openAIResponses } from '@relaymesh/protocols';
import { GatewayError } from '../http/gateway-error';
import { GenerationCall, planGeneration, readGeneration } from './generation-plan';

const call = (body: unknown, over: Partial<GenerationCall> = {}): GenerationCall => ({
  body,
  pathModel: null,
  stream: null,
  sse: false,
  requestId: 'req-1',
  formatHeaders: {},
  ...over,
});
const CHAT = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
const NOW = Date.parse('2030-01-01T00:00:00Z');
const key = (over: Partial<KeyRecord> = {}) =>
  ({ enabled: true, expires_at: null, models: [], ...over }) as KeyRecord;

/** The status and code of what readGeneration throws for this body, or 'read' when it reads it. */
function refusal(adapter: typeof openAIChat, body: unknown, over: Partial<GenerationCall> = {}) {
  try {
    readGeneration(adapter, call(body, over));
    return 'read';
  } catch (err) {
    const { status, details } = err as GatewayError;
    return `${status} ${details.code ?? ''}`.trim();
  }
}

describe('readGeneration', () => {
  it.each<[string, typeof openAIChat, unknown, string]>([
    ['no body', openAIChat, undefined, '400 invalid_json'],
    ['a JSON array', openAIChat, [1], '400 invalid_type'],
    ['a string', openAIChat, 'hi', '400 invalid_json'],
    ['chat without messages', openAIChat, { model: 'm' }, '400 missing_required_parameter'],
    ['messages without max_tokens', anthropicMessages, { model: 'm', messages: [] }, '400'],
    [
      'a malformed provider field',
      openAIChat,
      { ...CHAT, provider: { sort: 'size' } },
      '400 invalid_value',
    ],
    ['a chat request', openAIChat, CHAT, 'read'],
  ])('%s', (_, adapter, body, expected) => {
    expect(refusal(adapter, body)).toBe(expected);
  });

  it('should read the model, stream flag, cap and fallback chain of a chat request', () => {
    const read = readGeneration(
      openAIChat,
      call({ ...CHAT, stream: true, max_tokens: 9, models: ['m', 'f1', 'f2'] }),
    );
    expect({
      model: read.model,
      stream: read.stream,
      maxTokens: read.maxTokens,
      models: read.models,
      hub: read.hub !== null,
    }).toEqual({ model: 'm', stream: true, maxTokens: 9, models: ['m', 'f1', 'f2'], hub: true });
  });

  it('should take Gemini model and streaming from the path, not the body', () => {
    const read = readGeneration(
      gemini,
      call(
        { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
        { pathModel: 'g', stream: true },
      ),
    );
    expect({ model: read.model, stream: read.stream, hubStream: read.hub?.stream }).toEqual({
      model: 'g',
      stream: true,
      hubStream: true,
    });
  });

  it('should keep a request the hub cannot carry for its own format, with the reason for later', () => {
    // n > 1 has no hub form: only an OpenAI channel can answer it as sent.
    const read = readGeneration(openAIChat, call({ ...CHAT, n: 2 }));
    expect({
      hub: read.hub,
      model: read.model,
      untranslatable: read.untranslatable?.status,
    }).toEqual({
      hub: null,
      model: 'm',
      untranslatable: 400,
    });
  });
});

describe('planGeneration', () => {
  const read = (body: Record<string, unknown>) => readGeneration(openAIResponses, call(body));

  it('should drop fallback models the key may not use, keeping the order', () => {
    const plan = planGeneration(
      read({ model: 'a', input: 'hi', models: ['a', 'b', 'c'] }),
      key({ models: ['a', 'c'] }),
      NOW,
    );
    expect(plan.scope).toEqual({
      model: 'a',
      models: ['a', 'c'],
      preferences: expect.any(Object) as unknown,
      stream: false,
    });
  });

  it('should give the client context its request id, the model it named and the time passed in', () => {
    const plan = planGeneration(
      readGeneration(
        openAIChat,
        call({ ...CHAT, stream: true, stream_options: { include_usage: true } }),
      ),
      key(),
      NOW,
    );
    expect(plan.ctx).toEqual({
      requestId: 'req-1',
      sse: false,
      model: 'm',
      includeUsage: true,
      createdAt: NOW / 1000,
      clientTools: [],
    });
  });
});
