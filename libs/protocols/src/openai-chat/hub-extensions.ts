// What the OpenAI adapters (Chat and Responses) read beyond today's hub interfaces. Each field is proposed for
// the interface it belongs to (ClientContext, TokenUsage); until it lands it is read here, optionally, so the
// adapters work with the current interfaces and pick the field up without a change when ingress sends it.
import type { ClientContext } from '../hub/protocol-adapter';
import { isCount } from '../json';
import type { TokenUsage } from '../usage';

/** ClientContext as proposed: what OpenAI-format clients need beyond the current fields. */
export interface OpenAIClientContext extends ClientContext {
  /**
   * Chat: the client asked for `stream_options.include_usage`, so its stream ends with a usage chunk. The
   * current ClientContext has no such field; without it a translated or relayed stream sends no usage chunk.
   */
  includeUsage?: boolean;
  /** When ingress received the request, in Unix seconds: `created` / `created_at` of what the client sees. */
  createdAt?: number;
}

export function includeUsageOf(ctx: ClientContext): boolean {
  return 'includeUsage' in ctx && ctx.includeUsage === true;
}

/** The request's time from the context; the clock only as a fallback while ClientContext lacks the field. */
export function createdAtOf(ctx: ClientContext): number {
  return 'createdAt' in ctx && isCount(ctx.createdAt)
    ? Math.floor(ctx.createdAt)
    : Math.floor(Date.now() / 1000);
}

/**
 * TokenUsage as proposed: `reasoningTokens`, the part of `outputTokens` spent on reasoning, where the upstream
 * reports it (OpenAI `completion_tokens_details.reasoning_tokens`, Responses `output_tokens_details`, Gemini
 * `thoughtsTokenCount`). OpenAI-format clients see it in their usage object.
 */
export type UsageWithReasoning = TokenUsage & { reasoningTokens?: number };

export function reasoningTokensOf(usage: Partial<TokenUsage>): number | null {
  return 'reasoningTokens' in usage && isCount(usage.reasoningTokens)
    ? usage.reasoningTokens
    : null;
}

/**
 * An id in the client format's own style (`chatcmpl-…`, `resp_…`), derived from the upstream's id (its own
 * prefix replaced) or, when the upstream gave none, from the request id: stable for one answer, never random.
 */
export function clientId(prefix: string, upstreamId: string, requestId: string): string {
  if (upstreamId.startsWith(prefix)) return upstreamId;
  const bare = (upstreamId || requestId).replace(/^(chatcmpl-|msg_|resp_|gen-|req_)/, '');
  return `${prefix}${bare}`;
}
