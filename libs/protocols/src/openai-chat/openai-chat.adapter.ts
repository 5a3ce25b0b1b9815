// OpenAI Chat Completions (and OpenAI embeddings) as a ProtocolAdapter: served to clients at POST
// /v1/chat/completions and /v1/embeddings, and spoken to OpenAI and OpenAI-compatible channels.
import type { ProtocolAdapter } from '../hub/protocol-adapter';
import { buildChatRequest, renderChatCompletion } from './from-hub';
import { openAIEmbeddings } from './embeddings';
import { createdAtOf, includeUsageOf } from '../openai-base/context';
import { parseChatRequest } from './parse';
import { chatPassThrough } from './passthrough';
import { ChatStreamDecoder, ChatStreamEncoder } from './stream';
import { chatCompletionToHub, chatRequestToHub } from './to-hub';

export const openAIChat: ProtocolAdapter = {
  format: 'openai-chat',
  client: {
    parseRequest(body) {
      const parsed = parseChatRequest(body);
      return parsed.ok ? chatRequestToHub(parsed.body, parsed.view) : parsed;
    },
    renderResponse: renderChatCompletion,
    streamEncoder: (ctx) =>
      new ChatStreamEncoder({
        requestId: ctx.requestId,
        model: ctx.model,
        created: createdAtOf(ctx),
        includeUsage: includeUsageOf(ctx),
      }),
    streamContentType: () => 'text/event-stream; charset=utf-8',
  },
  upstream: {
    authHeaders: (key) => ({ authorization: `Bearer ${key}` }),
    buildRequest: buildChatRequest,
    parseResponse: chatCompletionToHub,
    streamDecoder: () => new ChatStreamDecoder(),
  },
  passThrough: chatPassThrough,
  embeddings: openAIEmbeddings,
};
