// What a client is told when every channel failed, and the code a trace span gets for one failed attempt. The
// client hears what failed in its own terms; the channel's name, the upstream's address and the transport's
// words ("connect ECONNREFUSED 127.0.0.1:1", "assert(upgrade)") name the operator's internals and stay in the
// logs, the channel's health and the trace (D15). Pure, table-tested.
import type { ErrorClass } from '@relaymesh/contracts';
import { InvalidUpstreamAnswer } from '@relaymesh/protocols';

/** The sentence (no final stop) that says why the last attempt failed. */
export function publicFailureText(failure: { errorClass: ErrorClass; status: number }): string {
  switch (failure.errorClass) {
    case 'connect':
      return 'the upstream provider could not be reached';
    case 'reset':
      return 'the connection to the upstream provider failed';
    case 'timeout':
      return 'the upstream provider did not answer in time';
    case 'auth':
      return "the upstream provider refused the gateway's credentials";
    case 'quota':
      return "the gateway's quota at the upstream provider is exhausted";
    case 'rate_limited':
      return 'the upstream provider is rate-limiting the gateway';
    case 'server':
      // A status below 400 that is not an answer, or an answer the gateway would not read (too large, not JSON).
      return failure.status >= 500
        ? `the upstream provider answered with an error (HTTP ${failure.status})`
        : 'the upstream provider answered with an invalid response';
    case 'client':
      return 'the upstream provider refused the request';
    case 'none':
      return 'the upstream provider failed';
  }
}

/** A code for a transport failure or a refused answer, quoting nothing the upstream said. */
export function failureCode(err: unknown): string {
  if (err instanceof InvalidUpstreamAnswer) return err.fault;
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return err instanceof Error && /^[A-Za-z]{1,64}$/.test(err.name) ? err.name : 'unknown';
}
