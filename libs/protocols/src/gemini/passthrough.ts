// Gemini client, Gemini upstream: the client's body goes up as sent (the model is in the path, not the body;
// only the gateway's own extensions are removed) and the answer comes back with only usage read out. Upstream
// streams are always SSE; each chunk's JSON text is forwarded as received, never re-serialised, in the framing
// the client asked for (SSE or the JSON array).
import type { ClientContext, PassThroughRelay } from '../hub/protocol-adapter';
import { GATEWAY_EXTENSION_FIELDS } from '../openai-chat/types';
import type { TokenUsage } from '../usage';
import { geminiPath } from './from-hub';
import { GeminiStreamFramer } from './stream';
import { readGeminiResponse } from './to-hub';
import { usageFromGeminiUsage } from './usage';

const EXTENSIONS: ReadonlySet<string> = new Set(GATEWAY_EXTENSION_FIELDS);

/** Every other field keeps its position and value; Object.fromEntries keeps a `__proto__` key as data. */
export function buildGeminiPassThroughRequest(
  body: Record<string, unknown>,
  upstreamModel: string,
  stream: boolean,
): { path: string; body: string; headers: Record<string, string> } {
  const forwarded = Object.fromEntries(
    Object.entries(body).filter(([key]) => !EXTENSIONS.has(key)),
  );
  return {
    path: geminiPath(upstreamModel, stream),
    body: JSON.stringify(forwarded),
    headers: { 'content-type': 'application/json' },
  };
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
