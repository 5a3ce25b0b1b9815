// The public shapes of the fake Gemini upstream: what tests configure (options, responder) and the request a
// responder is handed. Recording and faults are FakeUpstream's (`RecordedRequest`, `Fault`).
import type { FakeUpstreamOptions } from '../fake-upstream/fake-upstream.types';

export interface FakeGeminiOptions extends FakeUpstreamOptions {
  /** Model ids (without `models/`) listed by `GET /v1beta/models`. */
  models?: string[];
}

export type GeminiRole = 'user' | 'model';

/** A part of a request content; exactly one data field (text, functionCall, ...) is set. */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response?: Record<string, unknown>; id?: string };
  [field: string]: unknown;
}

export interface GeminiContent {
  /** Absent means `user` in a single-turn request. */
  role?: GeminiRole;
  parts: GeminiPart[];
}

/** A `generateContent` / `streamGenerateContent` body that passed the fake's validation. */
export interface GeminiRequestBody {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: unknown[];
  generationConfig?: Record<string, unknown>;
  [field: string]: unknown;
}

/** What a responder wants the fake model to answer; everything left out is derived from the request. */
export interface GeminiReply {
  text?: string;
  /** Sent first, as a `{ text, thought: true }` part. */
  thought?: string;
  functionCalls?: { name: string; args: Record<string, unknown> }[];
  promptTokens?: number;
  candidatesTokens?: number;
  /** `cachedContentTokenCount`; left out of usageMetadata when 0. */
  cachedTokens?: number;
  /** `thoughtsTokenCount`; defaults to the thought's word count, left out of usageMetadata when 0. */
  thoughtsTokens?: number;
  /** Defaults to `STOP`, function calls included (Gemini has no separate tool-call finish reason). */
  finishReason?: string;
}

/** `model` is the id from the path, e.g. `gemini-2.5-flash`. */
export type GeminiResponder = (
  request: GeminiRequestBody,
  model: string,
) => GeminiReply | Promise<GeminiReply>;
