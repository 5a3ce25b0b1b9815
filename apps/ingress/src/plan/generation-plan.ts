// Planning a generation (chat completions, responses, messages, Gemini generate): the client's body read by its
// adapter into what admission needs (the model, stream or not, the output cap) and what the relay needs (the
// hub request, the fallback chain, the provider preferences). Two steps, because admission sits between them:
// readGeneration() before (a client's mistake is a 400 whatever its key), planGeneration() after (fallback
// models the key may not use are dropped). Pure: time is passed in.
import { KeyRecord } from '@relaymesh/contracts';
import { HubRequest, ProtocolAdapter, ProtocolError } from '@relaymesh/protocols';
import { ProviderPreferences } from '@relaymesh/routing';
import { checkKeyAccess } from '../admission/key-access';
import { GatewayError } from '../http/gateway-error';
import { GenerationPlan } from './relay-plan';
import { routingOptions } from './routing-options';

/** The code adapters give a valid request that the hub cannot carry to another format. */
const UNTRANSLATABLE = 'unsupported_value';

/** What the route and the client said, besides the body. */
export interface GenerationCall {
  body: unknown;
  /** Gemini carries the model in the path. */
  pathModel: string | null;
  /** Gemini decides streaming by the method in the path, not the body. */
  stream: boolean | null;
  /** Gemini: `?alt=sse` (otherwise its JSON-array stream). */
  sse: boolean;
  requestId: string;
  formatHeaders: Record<string, string>;
}

/** A generation request as read, before admission. */
export interface GenerationRequest {
  client: ProtocolAdapter;
  call: GenerationCall;
  body: Record<string, unknown>;
  hub: HubRequest | null;
  model: string;
  stream: boolean;
  maxTokens: number | null;
  /** The requested model, then its fallbacks (`models` / `fallbacks`), before the key's allow-list. */
  models: string[];
  preferences: ProviderPreferences;
  /**
   * A valid request the hub cannot carry (built-in tools, audio parts, n > 1, ...): it may still go, untouched,
   * to a channel of its own format; only when none can take it is the client told this (CONTRACT §1).
   */
  untranslatable: GatewayError | null;
}

export function protocolError(error: ProtocolError): GatewayError {
  return new GatewayError(error.status, error.message, {
    type: error.type,
    code: error.code,
    param: error.param,
  });
}

/** Reads the client's request, or throws the 400 (in the adapter's words) that says what is wrong with it. */
export function readGeneration(client: ProtocolAdapter, call: GenerationCall): GenerationRequest {
  if (call.body === undefined || call.body === null || typeof call.body !== 'object') {
    throw new GatewayError(400, 'The request body must be a JSON object.', {
      code: 'invalid_json',
    });
  }
  const body = call.body as Record<string, unknown>;
  const parsed = client.client.parseRequest(call.body, call.pathModel);
  const bodyModel = call.pathModel ?? body['model'];
  let hub: HubRequest | null = null;
  let untranslatable: GatewayError | null = null;
  if (parsed.ok) {
    hub = { ...parsed.request, stream: call.stream ?? parsed.request.stream };
  } else if (
    parsed.error.code === UNTRANSLATABLE &&
    typeof bodyModel === 'string' &&
    bodyModel !== ''
  ) {
    untranslatable = protocolError(parsed.error);
  } else {
    throw protocolError(parsed.error);
  }
  const model = hub?.model ?? (bodyModel as string);
  const options = routingOptions(body, model);
  if (!options.ok) {
    throw new GatewayError(400, options.message, { param: options.param, code: 'invalid_value' });
  }
  return {
    client,
    call,
    body,
    hub,
    model,
    stream: hub?.stream ?? call.stream ?? body['stream'] === true,
    maxTokens: hub?.maxTokens ?? null,
    models: options.options.models,
    preferences: options.options.preferences,
    untranslatable,
  };
}

/** The plan for an admitted request: fallback models the key may not use are skipped, not refused. */
export function planGeneration(
  request: GenerationRequest,
  key: KeyRecord,
  nowMs: number,
  /** The channel holding the state the request continues (responses-state/response-pins.ts). */
  pinnedChannel: string | null = null,
  /** The request names stored state (`previous_response_id`, `item_reference`). */
  continuesStoredState = false,
): GenerationPlan {
  const { client, call, body, hub, model, stream } = request;
  return {
    kind: 'generate',
    scope: {
      model,
      models: request.models.filter((m) => checkKeyAccess(key, m, nowMs).ok),
      preferences: request.preferences,
      stream,
    },
    client,
    body,
    hub,
    ctx: {
      requestId: call.requestId,
      sse: call.sse,
      model,
      includeUsage: includeUsageAsked(body),
      createdAt: Math.floor(nowMs / 1000),
      // Calls of tools the client named otherwise (Responses namespaces, custom tools) go back in its form.
      ...(hub ? { clientTools: hub.tools } : {}),
    },
    formatHeaders: call.formatHeaders,
    pinnedChannel,
    searchesStoredState: continuesStoredState && pinnedChannel === null,
  };
}

function includeUsageAsked(body: Record<string, unknown>): boolean {
  const options = body['stream_options'];
  return (
    typeof options === 'object' &&
    options !== null &&
    (options as Record<string, unknown>)['include_usage'] === true
  );
}
