// An upstream's refusal of the caller's own request (400, 404, 422, ...) is relayed as the provider sent it when
// the provider speaks the caller's format (a pass-through). Across formats its body is the wrong envelope for
// the caller's SDK (an Anthropic error to the openai SDK), so the provider's message is re-rendered in the
// caller's envelope with the same status. Pure, table-tested.
import type { WireFormat } from './error-envelope';

/**
 * The message to re-render, or null when `body` already is an error envelope of `format` (relay it as is).
 * Every provider envelope has `error.message`; anything else (HTML from a proxy, plain text) is quoted, cut.
 */
export function foreignUpstreamError(format: WireFormat, body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return fallback(body);
  }
  if (isEnvelopeOf(format, parsed)) return null;
  const error = (parsed as { error?: unknown } | null)?.error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  if (typeof error === 'string' && error !== '') return error;
  return fallback(body);
}

function fallback(body: string): string {
  const text = body.trim().slice(0, 500);
  return text === ''
    ? 'The upstream provider refused the request.'
    : `The upstream provider refused the request: ${text}`;
}

function isEnvelopeOf(format: WireFormat, body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as Record<string, unknown>;
  if (typeof fields['message'] !== 'string') return false;
  switch (format) {
    case 'openai':
      return typeof fields['type'] === 'string' && (body as { type?: unknown }).type !== 'error';
    case 'anthropic':
      return (body as { type?: unknown }).type === 'error' && typeof fields['type'] === 'string';
    case 'gemini':
      return typeof fields['code'] === 'number' && typeof fields['status'] === 'string';
    case 'admin':
      return true;
  }
}
