// Planning a token count in both formats that have one: Anthropic `POST /v1/messages/count_tokens` and Gemini
// `:countTokens` (`{contents}` or a whole `{generateContentRequest}`). The count is asked of a channel of the
// client's own format as it is (a pass-through), of the other counting format translated through the hub, and
// estimated otherwise (count-tokens.service.ts). The answer is always in the client's shape: Anthropic
// `{input_tokens}`, Gemini `{totalTokens}`. Pure: the body in, the plan (relay-plan.ts) or the 400 out.
import { HubRequest, anthropicMessages, estimateInputTokens, gemini } from '@relaymesh/protocols';
import { NO_PREFERENCES } from '@relaymesh/routing';
import { GatewayError } from '../http/gateway-error';
import { CHARS_PER_TOKEN } from '../usage/cut-stream-usage';
import { protocolError } from './generation-plan';
import { CountTokensPlan, TokenCountFormat, tokenCountAnswer } from './relay-plan';

/** The code adapters give a valid request that the hub cannot carry to another format. */
const UNTRANSLATABLE = 'unsupported_value';

/** A count request as read, before admission. */
export interface CountTokensCall {
  format: TokenCountFormat;
  body: unknown;
  /** Gemini names the model in the path. */
  pathModel: string | null;
  formatHeaders: Record<string, string>;
}

/** Reads a count request into its plan, or throws the 400 (in the format's words) that says what is wrong. */
export function planCountTokens(call: CountTokensCall): CountTokensPlan {
  const { body } = call;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError(400, 'The request body must be a JSON object.', {
      code: 'invalid_json',
    });
  }
  const request = body as Record<string, unknown>;
  const { model, hub } =
    call.format === 'anthropic' ? readAnthropicCount(request) : readGeminiCount(request, call);
  return {
    kind: 'count_tokens',
    scope: { model, models: [model], preferences: NO_PREFERENCES, stream: false },
    client: call.format,
    body: request,
    hub,
    formatHeaders: call.formatHeaders,
  };
}

/** A Messages request without the output cap; the Messages parser validates everything else. */
function readAnthropicCount(request: Record<string, unknown>): {
  model: string;
  hub: HubRequest | null;
} {
  const parsed = anthropicMessages.client.parseRequest({ max_tokens: 1, ...request }, null);
  if (!parsed.ok && parsed.error.code !== UNTRANSLATABLE) throw protocolError(parsed.error);
  return { model: request['model'] as string, hub: parsed.ok ? parsed.request : null };
}

/**
 * Gemini counts `contents` alone or a whole `generateContentRequest` (system instruction and tools included);
 * the API takes one or the other, never both.
 */
function readGeminiCount(
  request: Record<string, unknown>,
  call: CountTokensCall,
): { model: string; hub: HubRequest | null } {
  const model = call.pathModel ?? '';
  const whole = request['generateContentRequest'];
  if (whole !== undefined && request['contents'] !== undefined) {
    throw new GatewayError(
      400,
      'contents and generateContentRequest are mutually exclusive: send one of them.',
      { param: 'generateContentRequest' },
    );
  }
  if (
    whole !== undefined &&
    (whole === null || typeof whole !== 'object' || Array.isArray(whole))
  ) {
    throw new GatewayError(400, 'generateContentRequest must be an object.', {
      param: 'generateContentRequest',
    });
  }
  // The model of a generateContentRequest is the path's (`models/<name>`): the path decides routing.
  const { model: _named, ...generate } = (whole ?? { contents: request['contents'] }) as Record<
    string,
    unknown
  >;
  const parsed = gemini.client.parseRequest(generate, model);
  if (!parsed.ok && parsed.error.code !== UNTRANSLATABLE) throw protocolError(parsed.error);
  return { model, hub: parsed.ok ? { ...parsed.request, stream: false } : null };
}

/** The count no channel was asked for: about four characters a token, never used for billing. */
export function estimatedCount(plan: CountTokensPlan): unknown {
  const tokens = plan.hub
    ? estimateInputTokens(plan.hub)
    : Math.ceil(JSON.stringify(plan.body).length / CHARS_PER_TOKEN);
  return tokenCountAnswer(plan.client, tokens);
}
