// Small readers of the optional context and usage fields both OpenAI formats (Chat and Responses) use, and the
// client-format ids they derive: one place, so both formats read them the same way.
import type { ClientContext } from '../hub/protocol-adapter';
import { isCount } from '../json';
import type { TokenUsage } from '../usage';

/** Chat: the client asked for `stream_options.include_usage` (absent reads as no). */
export function includeUsageOf(ctx: ClientContext): boolean {
  return ctx.includeUsage === true;
}

/** The request's time from the context; the clock only as a fallback for a context without it. */
export function createdAtOf(ctx: ClientContext): number {
  return isCount(ctx.createdAt) ? Math.floor(ctx.createdAt) : Math.floor(Date.now() / 1000);
}

/** The reasoning part of the output tokens, where the upstream reported it. */
export function reasoningTokensOf(usage: Partial<TokenUsage>): number | null {
  return isCount(usage.reasoningTokens) ? usage.reasoningTokens : null;
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
