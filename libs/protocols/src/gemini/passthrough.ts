// Gemini client, Gemini upstream: the client's body goes up as sent (the model is in the path, not the body;
// only the gateway's own extensions are removed) and the answer comes back with only usage read out. Upstream
// streams are always SSE; each chunk's JSON text is forwarded as received, never re-serialised, in the framing
// the client asked for (SSE or the JSON array).
import type { ClientContext, PassThroughRelay } from '../hub/protocol-adapter';
import { isGatewayExtension } from '../hub/gateway-extensions';
import type { TokenUsage } from '../usage';
import { isRelayedSignature, readClientSignature, signatureFor } from '../hub/thought-signature';
import { isRecord } from '../json';
import { SKIP_SIGNATURE_VALIDATION, geminiPath } from './from-hub';
import { GeminiStreamFramer } from './stream';
import { readGeminiResponse } from './to-hub';
import { usageFromGeminiUsage } from './usage';

/** Every other field keeps its position and value; Object.fromEntries keeps a `__proto__` key as data. */
export function buildGeminiPassThroughRequest(
  body: Record<string, unknown>,
  upstreamModel: string,
  stream: boolean,
): { path: string; body: string; headers: Record<string, string> } {
  const forwarded = Object.fromEntries(
    Object.entries(body)
      .filter(([key]) => !isGatewayExtension(key))
      .map(([key, value]) => [key, key === 'contents' ? withoutRelayedSignatures(value) : value]),
  );
  return {
    path: geminiPath(upstreamModel, stream),
    body: JSON.stringify(forwarded),
    headers: { 'content-type': 'application/json' },
  };
}

/**
 * A conversation that went through another provider earlier carries that provider's signatures relayed
 * (hub/thought-signature.ts); Gemini would refuse them ("Corrupted thought signature."), so each becomes
 * Google's placeholder, which Gemini accepts where a signature is required. Gemini's own stay as they are.
 */
function withoutRelayedSignatures(contents: unknown): unknown {
  if (!Array.isArray(contents)) return contents;
  return contents.map((content: unknown) => {
    if (!isRecord(content) || !Array.isArray(content.parts)) return content;
    const parts = content.parts.map((part: unknown) => {
      if (!isRecord(part)) return part;
      const wire = part.thoughtSignature ?? part.thought_signature;
      if (typeof wire !== 'string' || !isRelayedSignature(wire)) return part;
      const read = readClientSignature(wire, 'gemini');
      const own = read === null ? null : signatureFor(read.signature, 'gemini');
      const { thoughtSignature: _camel, thought_signature: _snake, ...rest } = part;
      return { ...rest, thoughtSignature: own ?? SKIP_SIGNATURE_VALIDATION };
    });
    return { ...content, parts };
  });
}

/**
 * Relays one upstream SSE stream to the client. Usage is the latest `usageMetadata` (Gemini repeats running
 * totals in every chunk); the answer is complete once a chunk carries a `finishReason` (or reports the prompt
 * blocked, which ends the stream at once).
 */
export class GeminiPassThroughRelay implements PassThroughRelay {
  private readonly framer: GeminiStreamFramer;
  private latestUsage: TokenUsage | null = null;
  private finished = false;

  constructor(ctx: ClientContext) {
    this.framer = new GeminiStreamFramer(ctx.sse);
  }

  get usage(): TokenUsage | null {
    return this.latestUsage;
  }

  get complete(): boolean {
    return this.finished;
  }

  push(_eventName: string | null, data: string): string {
    if (data.trim() === '') return '';
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      // Not ours to judge: forward what the upstream sent, as a pass-through proxy would.
      return this.framer.frame(data);
    }
    const chunk = readGeminiResponse(json);
    this.latestUsage = usageFromGeminiUsage(chunk.usageMetadata) ?? this.latestUsage;
    const candidates = chunk.candidates ?? [];
    if (
      candidates.some((c) => c.finishReason !== undefined) ||
      (candidates.length === 0 && chunk.promptFeedback?.blockReason !== undefined)
    ) {
      this.finished = true;
    }
    return this.framer.frame(data);
  }

  end(): string {
    return this.framer.end();
  }
}
