// The console's one way to the server: the admin API that every client uses, authenticated by the HttpOnly
// session cookie the browser sends by itself. Writes carry the session's CSRF value; the token is never stored.
import type { SessionInfo } from './types';

export interface ApiError {
  message: string;
  /** Field name → message, from the API's validation details (`path` of each issue). */
  fields: Record<string, string>;
}

export type ApiResult<T> =
  { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiError };

let csrf: string | null = null;
let onSignedOut: () => void = () => undefined;

export function setSession(session: SessionInfo | null, signedOut: () => void): void {
  csrf = session?.csrf ?? null;
  onSignedOut = signedOut;
}

interface ErrorBody {
  error?: { message?: string; details?: { path?: (string | number)[]; message?: string }[] };
}

/** The API's error body as a message and per-field messages (a PATCH's fields sit under `patch`). */
export function apiError(body: unknown, status: number): ApiError {
  const error = (body as ErrorBody | null)?.error;
  const fields: Record<string, string> = {};
  for (const issue of error?.details ?? []) {
    const path = (issue.path ?? []).filter((part) => part !== 'patch');
    const field = path[0];
    if (field !== undefined && !(String(field) in fields)) {
      fields[String(field)] = issue.message ?? 'invalid';
    }
  }
  return { message: error?.message ?? `The server answered ${status}.`, fields };
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-relaymesh-csrf'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return {
      ok: false,
      status: 0,
      error: { message: 'The server cannot be reached.', fields: {} },
    };
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (res.status === 401 && path.startsWith('/admin')) onSignedOut();
  if (!res.ok) return { ok: false, status: res.status, error: apiError(parsed, res.status) };
  return { ok: true, status: res.status, body: parsed as T };
}
