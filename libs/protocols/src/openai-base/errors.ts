// OpenAI's error envelope, `{"error":{"message","type","code","param"}}`, which the openai SDKs turn into typed
// exceptions by HTTP status (BadRequestError, RateLimitError, ...) and expose `type`/`code`/`param` from.

export interface OpenAIErrorFields {
  message: string;
  type: string;
  code?: string | null;
  param?: string | null;
}

export function openAIErrorBody(err: OpenAIErrorFields): string {
  return JSON.stringify({
    error: {
      message: err.message,
      type: err.type,
      code: err.code ?? null,
      param: err.param ?? null,
    },
  });
}

/**
 * The `type` OpenAI itself sends with each status, so clients that branch on it keep working:
 * - 400, 401 (code `invalid_api_key`), 403 (e.g. code `model_not_found` for a model the project may not use),
 *   404, 413 and other 4xx: `invalid_request_error`; OpenAI has no separate auth or permission type.
 * - 402 (the key's credit is used up): `insufficient_quota`, which OpenAI sends with 429 for an exhausted
 *   balance; the gateway's status is 402, but the type is the one clients already recognise.
 * - 429: `requests`. OpenAI names the exhausted limit (`requests` or `tokens`, code `rate_limit_exceeded`);
 *   a refusal on the tpm limit should pass `tokens` instead.
 * - 5xx: `server_error`, which OpenAI also uses for 502/503 overload responses.
 */
/** The status an OpenAI error `type`/`code` stands for (a stream's error carries no status); 500 when unknown. */
export function openAIErrorStatus(error: { type?: unknown; code?: unknown }): number {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const kind = `${text(error.type)} ${text(error.code)}`;
  if (/rate_limit|requests|tokens/.test(kind)) return 429;
  if (/insufficient_quota/.test(kind)) return 402;
  if (/invalid_request|context_length/.test(kind)) return 400;
  return 500;
}

export function openAIErrorType(status: number): string {
  if (status === 402) return 'insufficient_quota';
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
