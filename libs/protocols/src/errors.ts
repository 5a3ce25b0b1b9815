// The protocol-neutral description of a request the gateway refuses, shared by every adapter: each format's
// `errors.ts` renders it in its own envelope (OpenAI, Anthropic, Gemini), so the ingress decides once, not per
// format, which status a fault gets.
export interface ProtocolError {
  /** HTTP status to answer with. */
  status: number;
  /** The format's own error type string, e.g. OpenAI `invalid_request_error`. */
  type: string;
  /** Machine-readable detail where the format has one (OpenAI `code`), else null. */
  code: string | null;
  /** The offending request field as the format names it (`messages[0].role`), else null. */
  param: string | null;
  message: string;
}

/**
 * A request refused from deep inside a validation or translation walk (each format words its own errors), carried
 * to the one place that turns it into a result: `rejectionToResult`.
 */
export class RequestRejected extends Error {
  constructor(readonly error: ProtocolError) {
    super(error.message);
    this.name = 'RequestRejected';
  }
}

/** Runs a throwing walk; a `RequestRejected` becomes `{ ok: false }`, anything else propagates. */
export function rejectionToResult<T>(
  run: () => T,
): { ok: true; value: T } | { ok: false; error: ProtocolError } {
  try {
    return { ok: true, value: run() };
  } catch (err) {
    if (err instanceof RequestRejected) return { ok: false, error: err.error };
    throw err;
  }
}
