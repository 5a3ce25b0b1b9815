// What every wire-format adapter provides. An adapter is stateless (stream codecs carry per-stream state in
// the objects they return); credentials and the upstream model come in per call.
import type { ProtocolError } from '../errors';
import type { TokenUsage } from '../usage';
import type { EmbeddingsParse, EmbeddingsRequest, EmbeddingsResult } from './embeddings';
import type { HubRequest, HubResponse, HubStreamEvent, HubTool } from './hub.types';

/** Context of one request, from ingress. */
export interface ClientContext {
  /** The client's request id (for ids the format wants to be unique, e.g. `msg_...`). */
  requestId: string;
  /** Gemini: the client asked for SSE (`?alt=sse`) rather than the JSON-array stream. */
  sse: boolean;
  /** The model the client named (to echo it back in responses). */
  model: string;
  /** OpenAI Chat: the client asked for `stream_options.include_usage` (its stream ends with a usage chunk). */
  includeUsage?: boolean;
  /** When ingress received the request, Unix seconds (`created` / `created_at` of what the client sees). */
  createdAt?: number;
  /**
   * The client's tools as the hub holds them (its request's `tools`): a call of a tool the client named
   * otherwise (a Responses namespace or custom tool, `HubTool.origin`) goes back in the client's form.
   */
  clientTools?: readonly HubTool[];
}

/** The client side: a request in this format in, answers in this format out. */
export interface ClientCodec {
  /** Validates the body like the real API does and converts it to the hub. `model` comes from the URL for Gemini. */
  parseRequest(
    body: unknown,
    urlModel: string | null,
  ): { ok: true; request: HubRequest } | { ok: false; error: ProtocolError };
  renderResponse(response: HubResponse, ctx: ClientContext): unknown;
  /** A stateful encoder for one stream: hub events in, the bytes to write to the client out. */
  streamEncoder(ctx: ClientContext): StreamEncoder;
  /** The content-type of this format's stream (SSE, or Gemini's JSON array). */
  streamContentType(ctx: ClientContext): string;
}

export interface StreamEncoder {
  encode(event: HubStreamEvent): string;
  /** Ends the stream normally after `finish` (e.g. OpenAI's `data: [DONE]`, Gemini's closing `]`). */
  end(): string;
  /** Ends the stream with this format's own error event (after the first byte, the status cannot change). */
  error(status: number, message: string): string;
}

/** The upstream side: the hub in, a request in this format out; answers in this format back to the hub. */
export interface UpstreamCodec {
  /** The credential headers of this provider (`authorization: Bearer`, `x-api-key`, `x-goog-api-key`, ...). */
  authHeaders(key: string): Record<string, string>;
  buildRequest(
    request: HubRequest,
    upstreamModel: string,
  ): { path: string; body: string; headers: Record<string, string> };
  parseResponse(json: unknown): HubResponse;
  /** A stateful decoder for one stream: each SSE event (its `event:` name, or null, and its data) to hub events. */
  streamDecoder(): StreamDecoder;
}

export interface StreamDecoder {
  decode(eventName: string | null, data: string): HubStreamEvent[];
  /** Usage known so far (for billing an interrupted stream). */
  readonly usage: TokenUsage | null;
}

/**
 * Same format on both sides (ARCHITECTURE rule 3): the client's body goes upstream with only the model mapped
 * and the gateway's own extensions removed; the answer comes back byte for byte, with only usage read out.
 */
export interface PassThroughCodec {
  /** The upstream body and path for the client's body (`stream` decides e.g. Gemini's method name). */
  buildRequest(
    body: Record<string, unknown>,
    upstreamModel: string,
    stream: boolean,
  ): { path: string; body: string; headers: Record<string, string> };
  usageFromResponse(json: unknown): TokenUsage | null;
  /** A stateful relay for one stream: each upstream SSE event in, the bytes to forward out ('' to drop). */
  streamRelay(ctx: ClientContext): PassThroughRelay;
  /**
   * A format whose upstream keeps state (OpenAI Responses with `store`): the ids of what the upstream stored
   * that a later request may name (the response, its output items), read from an answer...
   */
  storedIdsFromResponse?(json: unknown): string[];
  /** ...and the ids of stored state a request names (`previous_response_id`, `item_reference` items). */
  storedReferences?(body: Record<string, unknown>): string[];
}

export interface PassThroughRelay {
  push(eventName: string | null, data: string): string;
  /** Ends the client stream after the upstream ended normally (Gemini JSON-array mode closes its array). */
  end(): string;
  readonly usage: TokenUsage | null;
  /** The upstream said the answer is complete (OpenAI `[DONE]`, Anthropic `message_stop`, Gemini finishReason). */
  readonly complete: boolean;
  /** As `PassThroughCodec.storedIdsFromResponse`, once the stream's terminal event was read. */
  readonly storedIds?: readonly string[];
}

/** How a client called an embeddings endpoint: Gemini names the model in the path and batches by method. */
export interface EmbeddingsCall {
  urlModel: string | null;
  batch: boolean;
}

/** A client's embeddings request, validated: what serving it needs, in its own format or across. */
export interface ClientEmbeddings {
  /** The model the client named. */
  model: string;
  /** The texts in hub form, or why no other format can carry them (OpenAI token-array inputs). */
  texts: EmbeddingsParse;
  /** The client's body for an upstream of the same format: model mapped, gateway extensions removed. */
  passThrough(upstreamModel: string): { path: string; body: string };
  /** The answer in the client's format. */
  render(result: EmbeddingsResult, promptTokens: number): unknown;
}

/** Embeddings in a format that has them (OpenAI `/v1/embeddings`, Gemini `:embedContent`). */
export interface EmbeddingsCodec {
  /** Client side: validates the body like the real API (a 400 in the format's words). */
  parseRequest(
    body: Record<string, unknown>,
    call: EmbeddingsCall,
  ): { ok: true; request: ClientEmbeddings } | { ok: false; error: ProtocolError };
  /** Upstream side: the texts as this format's request. */
  buildRequest(request: EmbeddingsRequest, upstreamModel: string): { path: string; body: string };
  parseResponse(json: unknown): EmbeddingsResult;
}

/** One wire format: what ingress needs to serve it to clients and to call it upstream. */
export interface ProtocolAdapter {
  readonly format: 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';
  readonly client: ClientCodec;
  readonly upstream: UpstreamCodec;
  readonly passThrough: PassThroughCodec;
  /** Only for the formats that have embeddings. */
  readonly embeddings?: EmbeddingsCodec;
}
