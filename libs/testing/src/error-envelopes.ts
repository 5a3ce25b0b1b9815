// The error envelope of each client wire format (CONTRACT §1), as tests check an answer against it.
export type EnvelopeFormat = 'openai' | 'anthropic' | 'gemini';

/** Whether a parsed body is an error in the format's own envelope. */
export function isErrorEnvelope(format: EnvelopeFormat, body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: Record<string, unknown> }).error;
  if (typeof error !== 'object' || error === null || typeof error['message'] !== 'string') {
    return false;
  }
  switch (format) {
    case 'openai':
      return typeof error['type'] === 'string' && 'code' in error && 'param' in error;
    case 'anthropic':
      return (body as { type?: unknown }).type === 'error' && typeof error['type'] === 'string';
    case 'gemini':
      return typeof error['code'] === 'number' && typeof error['status'] === 'string';
  }
}
