// What an upstream failure means for the channel (ARCHITECTURE rule 4), from its status and body or from the
// transport error. Pure, table-tested. The class decides both the failover here and the prober's judgement.
import { ErrorClass } from '@relaymesh/contracts';

/** Bodies that say the upstream account is out of money, whatever status the provider chose for it. */
const QUOTA_BODY =
  /insufficient_quota|quota.?exceeded|billing|credit balance is too low|exceeded your current quota/i;

export function classifyUpstreamStatus(status: number, body: string): ErrorClass {
  if (status < 400) return 'none';
  if (QUOTA_BODY.test(body)) return 'quota';
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  return 'client';
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

export function classifyUpstreamError(err: unknown): ErrorClass {
  const code = errorCode(err);
  if (code && TIMEOUT_CODES.has(code)) return 'timeout';
  if (code && CONNECT_CODES.has(code)) return 'connect';
  if (err instanceof Error && err.name === 'TimeoutError') return 'timeout';
  return 'reset';
}

/** Whether another channel may succeed where this one failed. The caller's own faults are not retried. */
export function isRetryable(errorClass: ErrorClass): boolean {
  return errorClass !== 'none' && errorClass !== 'client';
}

function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
