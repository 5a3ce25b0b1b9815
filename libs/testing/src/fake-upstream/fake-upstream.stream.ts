// A streamed answer as the list of wire frames it is written as, each tagged with the part it plays, so one
// rule decides what a `reset-mid-stream` fault lets through for every upstream's stream format.

/**
 * `content`: a piece of the answer (text, thinking or tool-argument delta); these are what `afterChunks`
 * counts. `closing`: what finishes the stream (finish reason, usage, terminator); never sent when the stream
 * is dropped. `control`: everything else (stream and block openings, block ends, keep-alives).
 */
export type FrameRole = 'control' | 'content' | 'closing';

export interface StreamFrame {
  role: FrameRole;
  /** Exactly the bytes written for this frame, in one `res.write`. */
  wire: string;
}

export interface SseOptions {
  /** The `event:` line, for upstreams that name their events (Anthropic, OpenAI Responses). */
  event?: string;
  /** Line ending; Gemini frames its events with CRLF. */
  lineEnd?: '\n' | '\r\n';
}

/** One server-sent event carrying `data` (already serialised) on a single `data:` line. */
export function sse(data: string, { event, lineEnd = '\n' }: SseOptions = {}): string {
  const head = event === undefined ? '' : `event: ${event}${lineEnd}`;
  return `${head}data: ${data}${lineEnd}${lineEnd}`;
}

export function frame(role: FrameRole, wire: string): StreamFrame {
  return { role, wire };
}

/**
 * The frames written before the connection is dropped: everything up to the `afterChunks`-th content frame
 * and the control frames that follow it, stopping at the next content frame or the first closing frame.
 * Without `afterChunks` the whole stream is written.
 */
export function framesBeforeDrop(
  frames: readonly StreamFrame[],
  afterChunks: number | undefined,
): StreamFrame[] {
  if (afterChunks === undefined) return [...frames];
  const sent: StreamFrame[] = [];
  let contentSent = 0;
  for (const next of frames) {
    if (next.role === 'closing') break;
    if (next.role === 'content') {
      if (contentSent === afterChunks) break;
      contentSent += 1;
    }
    sent.push(next);
  }
  return sent;
}
