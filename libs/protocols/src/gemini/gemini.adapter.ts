// The Gemini (`generateContent` / `streamGenerateContent`, and `:embedContent` / `:batchEmbedContents`) adapter:
// serves Gemini-format clients, calls Gemini upstreams, and relays Gemini to Gemini untouched.
import type { ProtocolAdapter } from '../hub/protocol-adapter';
import { geminiEmbeddings } from './embeddings';
import { hubResponseToGemini, hubToGeminiRequest } from './from-hub';
import { parseGeminiRequest } from './parse';
import { GeminiPassThroughRelay, buildGeminiPassThroughRequest } from './passthrough';
import { GeminiStreamDecoder, GeminiStreamEncoder } from './stream';
import { geminiRequestToHub, geminiResponseToHub } from './to-hub';
import { usageFromGeminiResponse } from './usage';

export const gemini: ProtocolAdapter = {
  format: 'gemini',
  client: {
    /**
     * `urlModel` is `{model}` of `/v1beta/models/{model}:<method>`; `urlStream` is true for
     * `:streamGenerateContent` (Gemini decides streaming by the method, not the body). Until the interface
     * passes it, a caller holding only `ProtocolAdapter` sets `stream` on the result itself.
     */
    parseRequest(body: unknown, urlModel: string | null, urlStream = false) {
      const parsed = parseGeminiRequest(body, urlModel);
      if (!parsed.ok) return parsed;
      return { ok: true, request: geminiRequestToHub(parsed.request, urlModel ?? '', urlStream) };
    },
    renderResponse: hubResponseToGemini,
    streamEncoder: (ctx) => new GeminiStreamEncoder(ctx),
    streamContentType: (ctx) => (ctx.sse ? 'text/event-stream' : 'application/json'),
  },
  upstream: {
    authHeaders: (key) => ({ 'x-goog-api-key': key }),
    buildRequest: hubToGeminiRequest,
    parseResponse: geminiResponseToHub,
    streamDecoder: () => new GeminiStreamDecoder(),
  },
  passThrough: {
    buildRequest: buildGeminiPassThroughRequest,
    usageFromResponse: usageFromGeminiResponse,
    streamRelay: (ctx) => new GeminiPassThroughRelay(ctx),
  },
  embeddings: geminiEmbeddings,
};
