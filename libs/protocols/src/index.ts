// One adapter per wire format (ARCHITECTURE: libs/protocols), the hub between them, and what ingress and the
// prober share about upstream answers. Only what other projects import is exported; the rest stays inside.
export type { ProtocolError } from './errors';
export type { TokenUsage } from './usage';

// The adapters, one per wire format, and the channel type -> the adapter of the format it speaks upstream
export { anthropicMessages } from './anthropic-messages/anthropic-messages.adapter';
export { gemini } from './gemini/gemini.adapter';
export { openAIChat } from './openai-chat/openai-chat.adapter';
export { openAIResponses } from './openai-responses/openai-responses.adapter';
export { adapterForChannel } from './channel-adapters';

// The hub and the adapter interface
export type { HubRequest, HubStreamEvent } from './hub/hub.types';
export type {
  ClientContext,
  ClientEmbeddings,
  EmbeddingsCall,
  ProtocolAdapter,
  StreamEncoder,
} from './hub/protocol-adapter';
export { hubRequest } from './hub/hub-request';
export { embeddingsUsage, estimateEmbeddingTokens } from './hub/embeddings';
// Provider-run tools and model variants (wired by ingress and router)
export { hostedToolsFor } from './hub/hosted-tools';
export type { HostedToolTarget } from './hub/hosted-tools';
export { STANDARD_SUFFIX_RULES, applyOverrides, mergeOverrides } from './hub/request-overrides';
export type { RequestOverrides } from './hub/request-overrides';

// Error envelopes of the formats, for errors the gateway raises itself
export { openAIErrorBody, openAIErrorType } from './openai-base/errors';
export { anthropicErrorBody } from './anthropic-messages/errors';
export { geminiErrorBody } from './gemini/errors';

// The `mock` channel type's local model, and the token estimate used where no upstream count is at hand
export { estimateInputTokens, mockAnswer, mockStream } from './mock/mock-model';

// What an upstream failure means for the channel (ingress failover and the prober's probes share it)
export {
  classifyUpstreamError,
  classifyUpstreamStatus,
  describeUpstreamStatus,
  isRetryable,
} from './upstream-errors';

// Reading an upstream answer within limits, and what makes one unusable (ingress and the prober share it)
export {
  ERROR_BODY_MAX_BYTES,
  InvalidUpstreamAnswer,
  answerHeadFault,
  jsonLimitsFor,
  parseUpstreamJson,
  readBodyHead,
  readBoundedBody,
} from './upstream-answer';
export { SseEventReader } from './sse-events';

// Credentials an upstream echoes back, removed before its text reaches a client, a health record or a log
export { redactSecrets } from './redact-secrets';
