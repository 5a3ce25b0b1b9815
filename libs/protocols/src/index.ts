// One adapter per wire format (ARCHITECTURE: libs/protocols), plus the shapes they share: the error the gateway
// answers with and the token usage it meters.
export type { ProtocolError } from './errors';
export type { TokenUsage } from './usage';

// OpenAI Chat Completions
export type { ChatRequestView, ChatRole } from './openai-chat/types';
export { CHAT_ROLES } from './openai-chat/types';
export { GATEWAY_EXTENSION_FIELDS } from './hub/gateway-extensions';
export { buildUpstreamChatBody, chatInvalidJsonError, parseChatRequest } from './openai-chat/parse';
export type { ParsedChatRequest } from './openai-chat/parse';
export { openAIErrorBody, openAIErrorType } from './openai-base/errors';
export type { OpenAIErrorFields } from './openai-base/errors';
export { usageFromChatCompletion, usageFromChatUsage } from './openai-chat/usage';
export { ChatStreamRelay } from './openai-chat/passthrough';
export { openAIStreamErrorEvent } from './openai-chat/errors';

// Anthropic Messages and Gemini (error envelopes so far; the adapters come with the every-format issue)
export { anthropicErrorBody, anthropicErrorType } from './anthropic-messages/errors';
export { geminiErrorBody, geminiErrorStatus } from './gemini/errors';

// The hub and the adapter interface
export type * from './hub/hub.types';
export type * from './hub/protocol-adapter';
export { hubRequest } from './hub/hub-request';
// Reasoning signatures across formats, provider-run tools, model variants (pure; wired by ingress and router)
export { GEMINI_PLACEHOLDER_SIGNATURES } from './hub/thought-signature';
export { hostedToolsFor } from './hub/hosted-tools';
export type { HostedToolTarget } from './hub/hosted-tools';
export {
  STANDARD_SUFFIX_RULES,
  applyOverrides,
  mergeOverrides,
  resolveVariant,
} from './hub/request-overrides';
export type { RequestOverrides, SuffixRule } from './hub/request-overrides';

// The adapters, one per wire format
export { anthropicMessages } from './anthropic-messages/anthropic-messages.adapter';
export { gemini } from './gemini/gemini.adapter';
export { openAIChat } from './openai-chat/openai-chat.adapter';
export { openAIResponses } from './openai-responses/openai-responses.adapter';

// Channel type -> the adapter of the wire format it speaks upstream
export { adapterForChannel } from './channel-adapters';

// The `mock` channel type's local model, and the token estimate used where no upstream count is at hand
export { estimateInputTokens, mockAnswer, mockStream } from './mock/mock-model';

// Embeddings across the OpenAI and Gemini formats
export * from './embeddings/embeddings';

// What an upstream failure means for the channel (ingress failover and the prober's probes share it)
export {
  classifyUpstreamError,
  classifyUpstreamStatus,
  describeUpstreamStatus,
  isRetryable,
} from './upstream-errors';
export type { UpstreamErrorDetail } from './upstream-errors';

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
export type { AnswerFault, UpstreamBody, UpstreamHeaders } from './upstream-answer';
export { jsonShapeFault } from './json-shape';
export type { JsonShapeFault, JsonShapeLimits } from './json-shape';

// Credentials an upstream echoes back, removed before its text reaches a client, a health record or a log
export { MIN_REDACTED_SECRET_LENGTH, REDACTED, redactSecrets } from './redact-secrets';
