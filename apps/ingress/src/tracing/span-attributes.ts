// What the ingress spans say, as pure functions of the request trace, so the mapping to the OpenTelemetry GenAI
// semantic conventions (gen_ai.*, semconv 1.37+ names; the incubating constants are copied, as OTel advises, not
// imported) is table-tested. Only names, models, counts, codes and ids go in: never a prompt, an answer, a key
// or an upstream's error message (which can quote the credential it refused).
import { ErrorClass } from '@relaymesh/contracts';
import { Attributes, genAiOperationName, genAiProviderName } from '@relaymesh/telemetry';
import { GatewayError } from '../http/gateway-error';
import type { RequestTrace } from '../http/request-trace';
import type { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import type { Served } from '../relay/attempt';
import { UpstreamClientError } from '../relay/upstream-client-error';

/** `{operation} {model}` as the GenAI conventions name spans; `{method} {route}` for the other routes. */
export function requestSpanName(
  trace: Pick<RequestTrace, 'route' | 'model'>,
  http: { method: string; route: string },
): string {
  const operation = genAiOperationName(trace.route);
  if (operation === null) return `${http.method} ${http.route}`;
  return trace.model ? `${operation} ${trace.model}` : operation;
}

/**
 * `error.type` of a finished request: the gateway's own error code (`no_available_channel`, `upstream_error`,
 * `rate_limited`, ...) when it refused or failed, the upstream's error class for a stream cut after its start,
 * the exception's class for a fault of the gateway, else the status code; null for a success.
 */
export function requestErrorType(
  status: number,
  failure: unknown,
  lateError: ErrorClass | null,
): string | null {
  if (lateError !== null) return lateError;
  if (status < 400) return null;
  if (failure instanceof GatewayError) return failure.details.code ?? String(status);
  if (failure instanceof UpstreamClientError) return 'upstream_client_error';
  if (failure instanceof Error) return failure.constructor.name || 'Error';
  return String(status);
}

type Usage = RequestTrace['usage'];

function usageAttributes(usage: Usage): Attributes {
  if (!usage) return {};
  return {
    'gen_ai.usage.input_tokens': usage.inputTokens,
    'gen_ai.usage.output_tokens': usage.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': usage.cacheReadTokens,
    'gen_ai.usage.cache_creation.input_tokens': usage.cacheWriteTokens,
    ...(usage.reasoningTokens !== undefined && {
      'gen_ai.usage.reasoning.output_tokens': usage.reasoningTokens,
    }),
  };
}

/** Drops the attributes that are not known (OTel attributes cannot be null). */
function known(
  attributes: Record<string, string | number | boolean | null | undefined>,
): Attributes {
  const out: Attributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out;
}

/** Everything the ingress (server) span says once the request is over. */
export function requestSpanAttributes(
  trace: Readonly<RequestTrace>,
  http: { method: string; route: string },
  errorType: string | null,
): Attributes {
  const operation = genAiOperationName(trace.route);
  const genAi =
    operation === null
      ? {}
      : known({
          'gen_ai.operation.name': operation,
          'gen_ai.request.model': trace.model,
          'gen_ai.request.stream': trace.stream,
          'gen_ai.request.max_tokens': trace.maxTokens,
          'gen_ai.response.model': trace.responseModel,
          'gen_ai.provider.name': trace.channel ? genAiProviderName(trace.channel.type) : null,
          // The name before semconv 1.37, still what many backends group by.
          'gen_ai.system': trace.channel ? genAiProviderName(trace.channel.type) : null,
          'gen_ai.response.time_to_first_chunk':
            trace.stream && trace.firstByteAt !== null
              ? (trace.firstByteAt - trace.startedAt) / 1000
              : null,
        });
  return {
    ...genAi,
    ...(operation === null ? {} : usageAttributes(trace.usage)),
    ...known({
      'http.request.method': http.method,
      'http.route': http.route,
      'http.response.status_code': trace.status,
      'error.type': errorType,
      'relaymesh.request_id': trace.requestId,
      'relaymesh.route': trace.route,
      'relaymesh.format': trace.format,
      'relaymesh.key.id': trace.key?.id,
      'relaymesh.channel.id': trace.channel?.id,
      'relaymesh.channel.name': trace.channel?.name,
      'relaymesh.upstream_model': trace.upstreamModel,
      'relaymesh.attempts': operation === null ? null : trace.attempts,
      'relaymesh.late_error': trace.lateError,
    }),
  };
}

/** `server.address` / `server.port` of a channel's base URL (host only: never a path, query or user info). */
export function serverAttributes(baseUrl: string | null): Attributes {
  if (!baseUrl) return {};
  try {
    const url = new URL(baseUrl);
    const port = url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    return { 'server.address': url.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

export function attemptSpanName(route: string, upstreamModel: string): string {
  return `${genAiOperationName(route) ?? route} ${upstreamModel}`;
}

/** Which attempt of the request a span is: the model it tries (a fallback's own) and its number, from 1. */
export interface AttemptNumber {
  model: string;
  number: number;
}

/** What an upstream attempt (client) span says from its start. */
export function attemptStartAttributes(
  trace: Pick<RequestTrace, 'route' | 'stream'>,
  attempt: AttemptNumber,
  channel: Pick<IngressChannel, 'id' | 'name' | 'type' | 'base_url'>,
  upstreamModel: string,
): Attributes {
  const provider = genAiProviderName(channel.type);
  return known({
    'gen_ai.operation.name': genAiOperationName(trace.route) ?? trace.route,
    'gen_ai.request.model': upstreamModel,
    'gen_ai.request.stream': trace.stream,
    'gen_ai.provider.name': provider,
    'gen_ai.system': provider,
    ...serverAttributes(channel.base_url),
    'relaymesh.channel.id': channel.id,
    'relaymesh.channel.name': channel.name,
    'relaymesh.channel.type': channel.type,
    'relaymesh.model': attempt.model,
    'relaymesh.attempt': attempt.number,
  });
}

/** How an attempt ended, as its caller saw it. */
export type AttemptEnd =
  | ({ ok: true } & Pick<Served, 'usage' | 'responseModel' | 'lateError'>)
  | { ok: false; errorClass: ErrorClass; status: number; reason?: string }
  | { thrown: unknown };

/** What an attempt span says at its end: outcome, error class, status, and usage when it served. */
export function attemptEndAttributes(end: AttemptEnd): Attributes {
  if ('thrown' in end) {
    const failure = end.thrown;
    return failure instanceof UpstreamClientError
      ? {
          'relaymesh.outcome': 'failure',
          'error.type': 'client',
          'http.response.status_code': failure.status,
        }
      : {
          'relaymesh.outcome': 'failure',
          'error.type': failure instanceof Error ? failure.constructor.name || 'Error' : '_OTHER',
        };
  }
  if (!end.ok) {
    return {
      'relaymesh.outcome': 'failure',
      'error.type': end.errorClass,
      ...(end.status > 0 && { 'http.response.status_code': end.status }),
      // What failed, as a code (ECONNREFUSED, too_large, unexpected_status): the client is told less (D15).
      ...(end.reason !== undefined && { 'relaymesh.failure_reason': end.reason }),
    };
  }
  return {
    'relaymesh.outcome': end.lateError === null ? 'success' : 'failure',
    ...(end.lateError !== null && {
      'error.type': end.lateError,
      'relaymesh.late_error': end.lateError,
    }),
    ...known({ 'gen_ai.response.model': end.responseModel }),
    ...usageAttributes(end.usage),
  };
}
