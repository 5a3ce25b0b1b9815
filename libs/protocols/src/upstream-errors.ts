// What an upstream failure means for the channel (ARCHITECTURE rule 4), from the status and body the provider
// answered or from the transport error. Shared by ingress (failover, outcome events) and the health-prober (its
// probes), so a request and a probe of the same channel are judged alike. Pure, table-tested.
//
// Provider codes recognised (from their error envelopes):
// - OpenAI `{"error":{"code","type"}}`: invalid_api_key, account_deactivated, ... → auth; insufficient_quota,
//   billing_hard_limit_reached → quota (OpenAI sends insufficient_quota as a 429, which is not a rate limit);
// - Anthropic `{"type":"error","error":{"type"}}`: authentication_error, permission_error → auth; "credit balance
//   is too low" (a 400) → quota; overloaded_error (529) → server;
// - Gemini `{"error":{"status","details":[{"reason"}]}}`: API_KEY_INVALID (a 400), PERMISSION_DENIED → auth;
//   RESOURCE_EXHAUSTED is a rate limit unless its quota id is a daily (or monthly) one → quota.
import type { ErrorClass } from '@relaymesh/contracts';
import { InvalidUpstreamAnswer } from './upstream-answer';

/** The class of a failed answer, and the provider's own code and message where its envelope carries them. */
export interface UpstreamErrorDetail {
  errorClass: ErrorClass;
  /** e.g. `invalid_api_key`, `authentication_error`, `API_KEY_INVALID`; null when the body has none. */
  code: string | null;
  message: string | null;
}

const AUTH_CODES = new Set([
  // OpenAI
  'invalid_api_key',
  'account_deactivated',
  'invalid_organization',
  'no_such_organization',
  'unsupported_country_region_territory',
  // Anthropic
  'authentication_error',
  'permission_error',
  // Gemini (google.rpc ErrorInfo reasons and statuses)
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'API_KEY_SERVICE_BLOCKED',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'CONSUMER_SUSPENDED',
  'SERVICE_DISABLED',
]);

const QUOTA_CODES = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
  'BILLING_DISABLED',
]);

/** Bodies that say the upstream account is out of money, whatever status and code the provider chose. */
const QUOTA_TEXT =
  /insufficient_quota|credit balance is too low|billing_hard_limit|check your plan and billing|exceeded your current quota/i;

/** Gemini quota ids of daily (or longer) limits: exhausted until the quota resets, not a short rate limit. */
const GEMINI_LONG_QUOTA = /PerDay|PerMonth/i;

interface Envelope {
  codes: string[];
  message: string | null;
  /** Gemini: QuotaFailure violation ids (`GenerateRequestsPerDayPerProjectPerModel-FreeTier`, ...). */
  quotaIds: string[];
}

/** The codes, message and quota ids of any of the three envelopes; empty when the body is not one. */
function readEnvelope(body: string): Envelope {
  const envelope: Envelope = { codes: [], message: null, quotaIds: [] };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return envelope;
  }
  // Gemini's REST errors come as a one-element array on some endpoints.
  const root = Array.isArray(json) ? (json[0] as unknown) : json;
  const error = isObject(root) && isObject(root.error) ? root.error : null;
  if (!error) return envelope;
  for (const field of ['code', 'type', 'status']) {
    const value = error[field];
    if (typeof value === 'string' && value) envelope.codes.push(value);
  }
  if (typeof error.message === 'string') envelope.message = error.message;
  if (Array.isArray(error.details)) {
    for (const detail of error.details) {
      if (!isObject(detail)) continue;
      if (typeof detail.reason === 'string') envelope.codes.push(detail.reason);
      if (Array.isArray(detail.violations)) {
        for (const violation of detail.violations) {
          if (isObject(violation) && typeof violation.quotaId === 'string') {
            envelope.quotaIds.push(violation.quotaId);
          }
        }
      }
    }
  }
  return envelope;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeUpstreamStatus(status: number, body: string): UpstreamErrorDetail {
  const envelope = readEnvelope(body);
  const detail = (errorClass: ErrorClass, code: string | null = null): UpstreamErrorDetail => ({
    errorClass,
    code: code ?? envelope.codes[0] ?? null,
    message: envelope.message,
  });
  if (status < 400) return detail('none');

  const quotaCode = envelope.codes.find((code) => QUOTA_CODES.has(code));
  if (quotaCode) return detail('quota', quotaCode);
  const authCode = envelope.codes.find((code) => AUTH_CODES.has(code));
  // A Gemini 403 on one model (PERMISSION_DENIED for a tuned model) is still this key's permission.
  if (authCode) return detail('auth', authCode);

  if (envelope.codes.includes('RESOURCE_EXHAUSTED')) {
    // Its message says "check your plan and billing details" for per-minute limits too: only the quota id tells.
    const longQuota = envelope.quotaIds.some((id) => GEMINI_LONG_QUOTA.test(id));
    return detail(longQuota ? 'quota' : 'rate_limited', 'RESOURCE_EXHAUSTED');
  }
  if (QUOTA_TEXT.test(body)) return detail('quota');

  if (status === 401 || status === 403) return detail('auth');
  if (status === 402) return detail('quota');
  if (status === 429) return detail('rate_limited');
  if (status === 408) return detail('timeout');
  if (status >= 500) return detail('server');
  return detail('client');
}

export function classifyUpstreamStatus(status: number, body: string): ErrorClass {
  return describeUpstreamStatus(status, body).errorClass;
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
  // An answer the gateway refused to use (too large, not JSON, ...) is the upstream's fault, like a 5xx.
  if (err instanceof InvalidUpstreamAnswer) return 'server';
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
