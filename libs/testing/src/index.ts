// Fake upstreams for unit, integration and e2e tests and the benchmark: one folder per upstream API, on a
// shared base (fake-upstream/) that records requests and plays scripted faults.
export { FakeOpenAI } from './fake-openai/fake-openai.server';
export type {
  ChatContentPart,
  ChatMessage,
  ChatReply,
  ChatRequestBody,
  ChatResponder,
  ChatRole,
  ChatToolCall,
  FakeOpenAIOptions,
  Fault,
  RecordedRequest,
  ResponseInputItem,
  ResponsesRequestBody,
} from './fake-openai/fake-openai.types';
export { FakeAnthropic } from './fake-anthropic/fake-anthropic.server';
export type {
  AnthropicContentBlock,
  AnthropicCountTokensBody,
  AnthropicMessage,
  AnthropicReply,
  AnthropicRequestBody,
  AnthropicResponder,
  AnthropicRole,
  FakeAnthropicOptions,
} from './fake-anthropic/fake-anthropic.types';
export { FakeGemini } from './fake-gemini/fake-gemini.server';
export type {
  FakeGeminiOptions,
  GeminiContent,
  GeminiPart,
  GeminiReply,
  GeminiRequestBody,
  GeminiResponder,
  GeminiRole,
} from './fake-gemini/fake-gemini.types';
/** The base of the three fakes, as a type: for helpers that take any of them (recording, faults, close). */
export type { FakeUpstream } from './fake-upstream/fake-upstream.server';
export type { FakeUpstreamOptions, HostileBehaviour } from './fake-upstream/fake-upstream.types';
export * from './error-envelopes';
export * from './infra';
export * from './relaymesh-launcher';
export { PrivateNats, PrivatePostgres } from './private-servers';
export * from './drills';
export * from './otlp-receiver';
export * from './prometheus-server';
export * from './real-clients';
export * from './firefox-bidi';
