import { KeyRecord } from '@relaymesh/contracts';
import { ingressChannel } from '../__fixtures__/ingress-channel';
import type { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import { anthropicMessages, gemini, openAIChat, openAIResponses } from '@relaymesh/protocols';
import { NO_PREFERENCES } from '@relaymesh/routing';
import { planEmbeddings } from './embeddings-plan';
import { planGeneration, readGeneration } from './generation-plan';
import {
  CountTokensPlan,
  RelayPlan,
  attemptFor,
  droppedToolsHeader,
  unknownStoredState,
  upstreamHeaders,
} from './relay-plan';

const channel = (type: IngressChannel['type'], over: Partial<IngressChannel> = {}) =>
  ingressChannel(type, { keys: ['k0', 'k1'], headers: { 'x-channel': 'c' }, ...over });
const KEY = { enabled: true, expires_at: null, models: [] } as unknown as KeyRecord;
const NOW = Date.parse('2030-01-01T00:00:00Z');

const openAIEmbeddingsPlan = (body: Record<string, unknown>) =>
  planEmbeddings(openAIChat, { urlModel: null, batch: false }, body);

const chatPlan = (body: Record<string, unknown>, formatHeaders: Record<string, string> = {}) =>
  planGeneration(
    readGeneration(openAIChat, {
      body,
      pathModel: null,
      stream: null,
      sse: false,
      requestId: 'r',
      formatHeaders,
    }),
    KEY,
    NOW,
  );
const messagesPlan = (body: Record<string, unknown>) =>
  planGeneration(
    readGeneration(anthropicMessages, {
      body,
      pathModel: null,
      stream: null,
      sse: false,
      requestId: 'r',
      formatHeaders: { 'anthropic-beta': 'b1' },
    }),
    KEY,
    NOW,
  );

const CHAT = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
const MESSAGES = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };

/** What the attempt for a channel type is, in a word or two. */
function shape(plan: RelayPlan, type: IngressChannel['type']): string {
  const attempt = attemptFor(plan, channel(type), 'up-m', () => 0);
  if (attempt === null) return 'skipped';
  if (attempt.kind === 'local') return 'local';
  if (attempt.kind === 'refused') return `refused ${attempt.droppedTools.join(',')}`;
  return `${attempt.reading.kind} ${attempt.request.path}`;
}

describe('attemptFor', () => {
  it.each<[string, RelayPlan, IngressChannel['type'], string]>([
    ['chat to openai: pass-through', chatPlan(CHAT), 'openai', 'relay_json /v1/chat/completions'],
    ['chat to anthropic: translated', chatPlan(CHAT), 'anthropic', 'render_json /v1/messages'],
    [
      'chat stream to openai',
      chatPlan({ ...CHAT, stream: true }),
      'openai',
      'relay_stream /v1/chat/completions',
    ],
    [
      'chat stream to gemini: translated',
      chatPlan({ ...CHAT, stream: true }),
      'gemini',
      'translate_stream /v1beta/models/up-m:streamGenerateContent?alt=sse',
    ],
    ['chat to mock: answered locally', chatPlan(CHAT), 'mock', 'local'],
    [
      'untranslatable chat to openai: its own format',
      chatPlan({ ...CHAT, n: 2 }),
      'openai',
      'relay_json /v1/chat/completions',
    ],
    [
      'untranslatable chat to anthropic: skipped',
      chatPlan({ ...CHAT, n: 2 }),
      'anthropic',
      'skipped',
    ],
    ['untranslatable chat to mock: skipped', chatPlan({ ...CHAT, n: 2 }), 'mock', 'skipped'],
    [
      'messages to anthropic: pass-through',
      messagesPlan(MESSAGES),
      'anthropic',
      'relay_json /v1/messages',
    ],
    [
      'embeddings to openai',
      openAIEmbeddingsPlan({ model: 'm', input: 'hi' }).plan,
      'openai-compatible',
      'relay_json /v1/embeddings',
    ],
    [
      'embeddings to gemini',
      openAIEmbeddingsPlan({ model: 'm', input: 'hi' }).plan,
      'gemini',
      'render_json /v1beta/models/up-m:batchEmbedContents',
    ],
    [
      'token-array embeddings to gemini: skipped',
      openAIEmbeddingsPlan({ model: 'm', input: [[1, 2]] }).plan,
      'gemini',
      'skipped',
    ],
    [
      'embeddings to anthropic: skipped',
      openAIEmbeddingsPlan({ model: 'm', input: 'hi' }).plan,
      'anthropic',
      'skipped',
    ],
  ])('%s', (_, plan, type, expected) => {
    expect(shape(plan, type)).toBe(expected);
  });

  it('should send a pass-through with the upstream model mapped and the format headers kept', () => {
    const attempt = attemptFor(
      messagesPlan({ ...MESSAGES, metadata: { x: 1 } }),
      channel('anthropic'),
      'up-m',
      () => 0,
    );
    if (attempt?.kind !== 'http') throw new Error('expected an HTTP attempt');
    expect(JSON.parse(attempt.request.body)).toEqual({
      ...MESSAGES,
      model: 'up-m',
      metadata: { x: 1 },
    });
    expect(attempt.request.headers).toMatchObject({
      'anthropic-beta': 'b1',
      'x-channel': 'c',
      'x-api-key': 'k0',
    });
  });

  it('should not send format headers across formats', () => {
    const attempt = attemptFor(messagesPlan(MESSAGES), channel('openai'), 'up-m', () => 0);
    if (attempt?.kind !== 'http') throw new Error('expected an HTTP attempt');
    expect(attempt.request.headers['anthropic-beta']).toBeUndefined();
  });

  it('should read usage from a relayed answer, and none from one it cannot read', () => {
    const attempt = attemptFor(chatPlan(CHAT), channel('openai'), 'up-m', () => 0);
    if (attempt?.kind !== 'http' || attempt.reading.kind !== 'relay_json') throw new Error('relay');
    expect(
      attempt.reading.usageOf({ usage: { prompt_tokens: 3, completion_tokens: 4 } })?.outputTokens,
    ).toBe(4);
    expect(attempt.reading.usageOf('not an answer')).toBeNull();
  });

  it('should estimate embeddings usage where the relayed answer reports none (Gemini)', () => {
    const { plan } = openAIEmbeddingsPlan({ model: 'm', input: 'hello there' });
    const attempt = attemptFor(plan, channel('openai'), 'up-m', () => 0);
    if (attempt?.kind !== 'http' || attempt.reading.kind !== 'relay_json') throw new Error('relay');
    expect(attempt.reading.usageOf({ data: [] })?.inputTokens).toBeGreaterThan(0);
  });

  it('should count tokens with an anthropic channel as sent and with a gemini one translated', () => {
    const hub = readGeneration(anthropicMessages, {
      body: MESSAGES,
      pathModel: null,
      stream: null,
      sse: false,
      requestId: 'r',
      formatHeaders: {},
    }).hub;
    const plan: CountTokensPlan = {
      kind: 'count_tokens',
      client: 'anthropic',
      scope: {
        model: 'm',
        models: ['m'],
        preferences: NO_PREFERENCES,
        stream: false,
      },
      body: MESSAGES,
      hub,
      formatHeaders: {},
    };
    expect(shape(plan, 'anthropic')).toBe('relay_json /v1/messages/count_tokens');
    expect(shape(plan, 'gemini')).toBe('render_json /v1beta/models/up-m:countTokens');
    expect(shape(plan, 'openai')).toBe('skipped');
    const attempt = attemptFor(plan, channel('gemini'), 'up-m', () => 0);
    if (attempt?.kind !== 'http' || attempt.reading.kind !== 'render_json') {
      throw new Error('render');
    }
    expect(attempt.reading.render({ totalTokens: 12 }).body).toEqual({ input_tokens: 12 });
  });
});

describe('attemptFor a Responses client', () => {
  const responsesPlan = (body: Record<string, unknown>) =>
    planGeneration(
      readGeneration(openAIResponses, {
        body,
        pathModel: null,
        stream: null,
        sse: false,
        requestId: 'r',
        formatHeaders: {},
      }),
      KEY,
      NOW,
    );
  // What Codex sends on every request: a namespace group of functions and OpenAI's hosted web search.
  const CODEX = {
    model: 'm',
    input: 'hi',
    store: false,
    tools: [
      {
        type: 'namespace',
        name: 'multi_agent_v1',
        description: 'agents',
        tools: [{ type: 'function', name: 'spawn', parameters: { type: 'object' } }],
      },
      { type: 'web_search', external_web_access: false },
    ],
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: 'p',
  };
  const attemptOn = (ch: IngressChannel, body: Record<string, unknown> = CODEX) => {
    const attempt = attemptFor(responsesPlan(body), ch, 'up-m', () => 0);
    if (attempt?.kind !== 'http') throw new Error('expected an HTTP attempt');
    return attempt;
  };

  it.each<[string, IngressChannel, string]>([
    ['openai: passed through', channel('openai'), 'relay_json /v1/responses'],
    [
      'openai-compatible serving /v1/responses: passed through',
      channel('openai-compatible', { responses_api: true }),
      'relay_json /v1/responses',
    ],
    [
      'openai-compatible with Chat only: translated',
      channel('openai-compatible'),
      'render_json /v1/chat/completions',
    ],
    ['anthropic: translated', channel('anthropic'), 'render_json /v1/messages'],
  ])('%s', (_, ch, expected) => {
    const attempt = attemptOn(ch);
    expect(`${attempt.reading.kind} ${attempt.request.path}`).toBe(expected);
  });

  it('should send the body as the client sent it, every tool intact, with only the model mapped', () => {
    const attempt = attemptOn(channel('openai'));
    expect(JSON.parse(attempt.request.body)).toEqual({ ...CODEX, model: 'up-m' });
    expect(attempt.request.headers['authorization']).toBe('Bearer k0');
  });

  it('should relay a stream event by event from a Responses channel', () => {
    const attempt = attemptOn(channel('openai'), { ...CODEX, stream: true });
    expect(attempt.reading.kind).toBe('relay_stream');
  });

  it('should name the hosted tools a translation drops, and none a pass-through drops', () => {
    const body = {
      ...CODEX,
      tools: [...CODEX.tools, { type: 'file_search', vector_store_ids: ['v'] }],
    };
    const dropped = (ch: IngressChannel) => {
      const attempt = attemptFor(responsesPlan(body), ch, 'up-m', () => 0);
      return attempt?.kind === 'http' ? attempt.droppedTools : attempt?.kind;
    };
    expect(dropped(channel('openai'))).toEqual([]);
    // Claude runs web search itself (its server tool); nothing runs file search.
    expect(dropped(channel('anthropic'))).toEqual(['file_search']);
    expect(dropped(channel('openai-compatible'))).toEqual(['web_search', 'file_search']);
  });

  it("should refuse on a channel whose hosted_tools policy is 'refuse' only when a tool would drop", () => {
    const refusing = channel('anthropic', { hosted_tools: 'refuse' });
    const body = {
      ...CODEX,
      tools: [...CODEX.tools, { type: 'code_interpreter', container: 'c' }],
    };
    expect(attemptFor(responsesPlan(body), refusing, 'up-m', () => 0)).toEqual({
      kind: 'refused',
      droppedTools: ['code_interpreter'],
    });
    expect(attemptFor(responsesPlan(CODEX), refusing, 'up-m', () => 0)?.kind).toBe('http');
  });

  it('should take a request continuing stored state to the channel that stored it only', () => {
    const plan = {
      ...responsesPlan({ ...CODEX, previous_response_id: 'resp_1' }),
      pinnedChannel: 'ch-openai-compatible',
    };
    const compatible = channel('openai-compatible', { responses_api: true });
    expect(attemptFor(plan, channel('openai'), 'up-m', () => 0)).toBeNull();
    expect(attemptFor(plan, compatible, 'up-m', () => 0)?.kind).toBe('http');
    // Unpinned (this replica does not know the id), any Responses channel may try; a translation cannot.
    const unpinned = responsesPlan({ ...CODEX, previous_response_id: 'resp_1' });
    expect(attemptFor(unpinned, channel('openai'), 'up-m', () => 0)?.kind).toBe('http');
    expect(attemptFor(unpinned, channel('anthropic'), 'up-m', () => 0)).toBeNull();
  });

  it('should read what a relayed Responses answer stored', () => {
    const attempt = attemptOn(channel('openai'));
    if (attempt.reading.kind !== 'relay_json') throw new Error('relay');
    expect(attempt.reading.storedIdsOf?.({ id: 'resp_1', output: [{ id: 'msg_1' }] })).toEqual([
      'resp_1',
      'msg_1',
    ]);
  });

  it('should read the usage of a relayed Responses answer', () => {
    const attempt = attemptOn(channel('openai'));
    if (attempt.reading.kind !== 'relay_json') throw new Error('relay');
    expect(
      attempt.reading.usageOf({ usage: { input_tokens: 3, output_tokens: 4 } })?.outputTokens,
    ).toBe(4);
  });
});

describe('droppedToolsHeader', () => {
  it('should name the dropped tools, leaving out a client-chosen type no header can carry', () => {
    expect(droppedToolsHeader(['file_search', 'code_interpreter'])).toBe(
      'file_search,code_interpreter',
    );
    expect(droppedToolsHeader(['a\r\nx-injected: 1', 'x'.repeat(101), 'mcp'])).toBe('mcp');
    expect(droppedToolsHeader(Array(40).fill('t'))?.split(',')).toHaveLength(32);
    expect(droppedToolsHeader(['\u0000'])).toBeNull();
    expect(droppedToolsHeader([])).toBeNull();
  });
});

describe('unknownStoredState', () => {
  it.each<[string, number, string, boolean]>([
    [
      'an unknown previous response',
      400,
      '{"error":{"message":"Previous response with id \'resp_1\' not found.","code":"previous_response_not_found"}}',
      true,
    ],
    ['an unknown item', 404, '{"error":{"message":"Item with id \'msg_1\' not found."}}', true],
    ['another 400', 400, '{"error":{"code":"invalid_value"}}', false],
    ['an unknown model', 404, '{"error":{"code":"model_not_found"}}', false],
  ])('%s: %s', (_, status, body, expected) => {
    expect(unknownStoredState(status, body)).toBe(expected);
  });
});

describe('upstreamHeaders', () => {
  it('should pick one of the channel keys by the random number and let auth override the rest', () => {
    const ch = channel('openai', { headers: { authorization: 'mine', 'x-a': '1' } });
    expect(upstreamHeaders(ch, gemini, {}, {}, () => 0.99)).toMatchObject({
      'x-goog-api-key': 'k1',
      'x-a': '1',
      'content-type': 'application/json',
    });
    expect(upstreamHeaders(ch, openAIChat, {}, {}, () => 0)['authorization']).toBe('Bearer k0');
  });
});
