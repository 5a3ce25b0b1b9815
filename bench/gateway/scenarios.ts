// The five scenarios of issue 9, each as the request a client sends through relaymesh and the request it would
// send to the upstream directly (same body, the upstream's own path and credentials), so one run measures
// both on the same machine at the same moment and the difference is what relaymesh adds.

/** The fake upstreams' answer: 20 words, so a 20-chunk stream (fake-upstreams.ts). */
export const ANSWER =
  'The quick brown fox jumps over the lazy dog while the bench counts every chunk the gateway forwards to you.';

export const OPENAI_MODEL = 'gpt-5-mini';
export const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929';
export const UPSTREAM_OPENAI_KEY = 'sk-bench-upstream';
export const UPSTREAM_ANTHROPIC_KEY = 'sk-ant-bench-upstream';

export interface HttpCall {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export type UpstreamName = 'openai' | 'anthropic';

export interface Scenario {
  id: string;
  title: string;
  stream: boolean;
  /** autocannon runs at these connection counts; empty when the scenario is the sequential probe only. */
  loadConnections: number[];
  /** Whether a sequential hrtime probe (time to first and last byte) runs too. */
  probe: boolean;
  /** Which fake the direct call goes to, what it sends, and how its complete answer ends. */
  direct: { upstream: UpstreamName; call: HttpCall; complete: (body: string) => boolean };
  /** The upstream a gateway sends this request to (the channel type that serves it). */
  servedBy: UpstreamName;
  /** What a client sends to a gateway with the given client key. */
  viaGateway: (clientKey: string) => HttpCall;
  /** A 2xx body that does not end as its format ends counts as an error (a stream cut short). */
  complete: (body: string) => boolean;
}

const SYSTEM = 'You are a terse assistant.';
const QUESTION = 'Summarise the plot of Hamlet in one short sentence, please.';

/** ~200 bytes, as the issue asks. */
function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: OPENAI_MODEL,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: QUESTION },
    ],
    max_tokens: 64,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

function messagesBody(model: string): string {
  return JSON.stringify({
    model,
    max_tokens: 64,
    system: SYSTEM,
    messages: [{ role: 'user', content: QUESTION }],
    stream: true,
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const openAIAuth = (key: string) => ({ ...JSON_TYPE, authorization: `Bearer ${key}` });
const anthropicAuth = (key: string) => ({
  ...JSON_TYPE,
  'x-api-key': key,
  'anthropic-version': '2023-06-01',
});

const chatCompletionDone = (body: string) => body.includes('"choices"');
const openAIStreamDone = (body: string) => body.trimEnd().endsWith('data: [DONE]');
const anthropicStreamDone = (body: string) => body.includes('event: message_stop');

const chat = (stream: boolean) => ({
  path: '/v1/chat/completions',
  body: chatBody(stream),
});

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'chat',
    title: '1. OpenAI chat, non-stream, ~200-byte body',
    stream: false,
    loadConnections: [1, 16, 64],
    probe: false,
    direct: {
      upstream: 'openai',
      call: { ...chat(false), headers: openAIAuth(UPSTREAM_OPENAI_KEY) },
      complete: chatCompletionDone,
    },
    servedBy: 'openai',
    viaGateway: (key) => ({ ...chat(false), headers: openAIAuth(key) }),
    complete: chatCompletionDone,
  },
  {
    id: 'chat-stream',
    title: '2. OpenAI chat, stream of 20 chunks',
    stream: true,
    loadConnections: [16],
    probe: true,
    direct: {
      upstream: 'openai',
      call: { ...chat(true), headers: openAIAuth(UPSTREAM_OPENAI_KEY) },
      complete: openAIStreamDone,
    },
    servedBy: 'openai',
    viaGateway: (key) => ({ ...chat(true), headers: openAIAuth(key) }),
    complete: openAIStreamDone,
  },
  {
    id: 'messages-stream',
    title: '3. Anthropic Messages, stream, pass-through to an anthropic channel',
    stream: true,
    loadConnections: [16],
    probe: true,
    direct: {
      upstream: 'anthropic',
      call: {
        path: '/v1/messages',
        body: messagesBody(ANTHROPIC_MODEL),
        headers: anthropicAuth(UPSTREAM_ANTHROPIC_KEY),
      },
      complete: anthropicStreamDone,
    },
    servedBy: 'anthropic',
    viaGateway: (key) => ({
      path: '/v1/messages',
      body: messagesBody(ANTHROPIC_MODEL),
      headers: anthropicAuth(key),
    }),
    complete: anthropicStreamDone,
  },
  {
    // The direct twin is the OpenAI stream the gateway itself sends upstream: "added" is then everything the
    // translation path costs, Anthropic in and out included.
    id: 'messages-to-openai',
    title: '4. Anthropic Messages, stream, translated to an openai channel',
    stream: true,
    loadConnections: [16],
    probe: true,
    direct: {
      upstream: 'openai',
      call: { ...chat(true), headers: openAIAuth(UPSTREAM_OPENAI_KEY) },
      complete: openAIStreamDone,
    },
    servedBy: 'openai',
    viaGateway: (key) => ({
      path: '/v1/messages',
      body: messagesBody(OPENAI_MODEL),
      headers: anthropicAuth(key),
    }),
    complete: anthropicStreamDone,
  },
  {
    id: 'sequential',
    title: '5. OpenAI chat, non-stream, one connection, microsecond timing',
    stream: false,
    loadConnections: [],
    probe: true,
    direct: {
      upstream: 'openai',
      call: { ...chat(false), headers: openAIAuth(UPSTREAM_OPENAI_KEY) },
      complete: chatCompletionDone,
    },
    servedBy: 'openai',
    viaGateway: (key) => ({ ...chat(false), headers: openAIAuth(key) }),
    complete: chatCompletionDone,
  },
];
