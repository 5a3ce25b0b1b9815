// What an upstream attempt gives back: a served answer's facts (usage, when the first byte left, the model
// that answered, a failure after the answer had started), or the failure that lets another channel try.
// Attempts return these; the relay loop folds them into one RelayOutcome, and the request's trace is written
// from it once (recordRelay in http/request-trace.ts), not field by field from every step of the pipeline.
import type { ChannelType, ErrorClass, UsageAttempt } from '@relaymesh/contracts';
import type { TokenUsage } from '@relaymesh/protocols';
import type { UpstreamReadLimits } from '../config/ingress.env';
import type { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import type { UpstreamClientError } from './upstream-client-error';

/** An HTTP request to a channel, built by the plan for that channel. */
export interface UpstreamRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** What a served attempt produced. */
export interface Served {
  /** As the upstream reported it (estimated where it could not); for a stream cut short, up to the cut. */
  usage: TokenUsage | null;
  /** `performance.now()` when the first byte of the answer went to the client. */
  firstByteAt: number | null;
  /** The model the upstream said answered (`model`, Gemini `modelVersion`), where it is known. */
  responseModel: string | null;
  /** A failure after the answer had started (a stream cut mid-way; the status stays 200). */
  lateError: ErrorClass | null;
  /** Hosted tools of the client's the channel's provider could not run, dropped in translation. */
  droppedTools?: readonly string[];
  /** Ids of what the upstream stored of this answer (a Responses pass-through), for later requests to name. */
  storedIds?: readonly string[];
}

export interface AttemptFailure {
  ok: false;
  errorClass: ErrorClass;
  status: number;
  /** What happened, for the channel's health, the logs and the operator: never shown to the client. */
  message: string;
  /** A code for the trace span (`ECONNREFUSED`, `too_large`, ...): what failed, with nothing quoted. */
  reason?: string;
  /**
   * The caller's own fault as this channel saw it, yet another channel may serve the request (stored state
   * another OpenAI organisation holds): tried there, and relayed only when no channel could.
   */
  refusal?: UpstreamClientError;
}

/** What an attempt produced: an answer the client has (or is getting), or a failure to fail over from. */
export type AttemptResult = ({ ok: true } & Served) | AttemptFailure;

/** What the answer readers get of the attempt under way. */
export interface AttemptContext {
  channel: IngressChannel;
  /** The answer reached the client: the attempt's deadline no longer applies (a stream's idle timeout does). */
  committed: () => void;
  /** To report a failure that happens after the response was committed (a stream cut mid-way). */
  reportLateFailure: (errorClass: ErrorClass, message: string) => void;
  /** How much of the answer may be read. */
  limits: UpstreamReadLimits;
}

/** What the relay did for a request, whether it was served or not: the trace is written from this. */
export interface RelayOutcome {
  /** Upstream attempts made (failovers are attempts - 1). */
  attempts: number;
  /** Each attempt's channel, model, status and timing, in order (bounded: MAX_LOGGED_ATTEMPTS). */
  attemptLog: UsageAttempt[];
  /** The channel that served the request, or the last one that failed it. */
  channel: { id: string; name: string; type: ChannelType } | null;
  upstreamModel: string | null;
  /** The model last tried: the requested one, or the fallback that served. */
  model: string | null;
  served: Served | null;
}
