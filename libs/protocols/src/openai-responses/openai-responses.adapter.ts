// OpenAI Responses as a ProtocolAdapter: served to clients at POST /v1/responses and spoken to channels whose
// upstream serves /v1/responses (OpenAI itself, and compatible servers that have it).
import type { ProtocolAdapter } from '../hub/protocol-adapter';
import { createdAtOf } from '../openai-base/context';
import { buildResponsesRequest, renderResponse } from './from-hub';
import { parseResponsesRequest } from './parse';
import { responsesPassThrough } from './passthrough';
import { ResponsesStreamDecoder, ResponsesStreamEncoder } from './stream';
import { responsesRequestToHub, responseToHub } from './to-hub';

export const openAIResponses: ProtocolAdapter = {
  format: 'openai-responses',
  client: {
    parseRequest(body) {
      const parsed = parseResponsesRequest(body);
      return parsed.ok ? responsesRequestToHub(parsed.body, parsed.view) : parsed;
    },
    renderResponse,
    streamEncoder: (ctx) =>
      new ResponsesStreamEncoder({
        requestId: ctx.requestId,
        model: ctx.model,
        createdAt: createdAtOf(ctx),
        clientTools: ctx.clientTools,
      }),
    streamContentType: () => 'text/event-stream; charset=utf-8',
  },
  upstream: {
    authHeaders: (key) => ({ authorization: `Bearer ${key}` }),
    buildRequest: buildResponsesRequest,
    parseResponse: responseToHub,
    streamDecoder: () => new ResponsesStreamDecoder(),
  },
  passThrough: responsesPassThrough,
};
