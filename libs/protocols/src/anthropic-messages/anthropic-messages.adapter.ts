// Anthropic Messages as a ProtocolAdapter: served to clients at POST /v1/messages (Claude Code, the Anthropic
// SDKs) and spoken to Anthropic channels, API version 2023-06-01.
import type { ProtocolAdapter } from '../hub/protocol-adapter';
import { buildMessagesRequest, renderMessage } from './from-hub';
import { parseMessagesRequest } from './parse';
import { messagesPassThrough } from './passthrough';
import { MessagesStreamDecoder, MessagesStreamEncoder } from './stream';
import { messageToHub, messagesRequestToHub } from './to-hub';
import { ANTHROPIC_VERSION } from './types';

export const anthropicMessages: ProtocolAdapter = {
  format: 'anthropic-messages',
  client: {
    // The model always comes from the body (the URL carries none in this format).
    parseRequest(body) {
      const parsed = parseMessagesRequest(body);
      return parsed.ok ? messagesRequestToHub(parsed.body, parsed.view) : parsed;
    },
    renderResponse: renderMessage,
    streamEncoder: (ctx) =>
      new MessagesStreamEncoder({ requestId: ctx.requestId, model: ctx.model }),
    streamContentType: () => 'text/event-stream; charset=utf-8',
  },
  upstream: {
    authHeaders: (key) => ({ 'x-api-key': key, 'anthropic-version': ANTHROPIC_VERSION }),
    buildRequest: buildMessagesRequest,
    parseResponse: messageToHub,
    streamDecoder: () => new MessagesStreamDecoder(),
  },
  passThrough: messagesPassThrough,
};
