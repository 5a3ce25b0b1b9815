// Fake upstreams for unit, integration and e2e tests and the benchmark: one folder per upstream API.
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
} from './fake-openai/fake-openai.types';
export * from './infra';
export * from './relaymesh-launcher';
