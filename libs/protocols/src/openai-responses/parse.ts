// Edge validation of a Responses request body (POST /v1/responses), with OpenAI's own 400 messages, params and
// codes, for both paths: what the gateway must read (model, stream, max_output_tokens, its extensions) and
// what it cannot serve whatever the channel. The items of `input` and `tools` are walked where they are
// translated (`to-hub.ts`); in a pass-through they are the upstream's business, as in Chat.
import type { ProtocolError } from '../errors';
import { isAbsent, isRecord } from '../json';
import {
  checkModelList,
  checkPositiveInteger,
  describe,
  invalid,
  missing,
  wrongType,
} from '../openai-base/checks';
import type { ResponsesRequestView } from './types';

export type ParsedResponsesRequest =
  | { ok: true; view: ResponsesRequestView; body: Record<string, unknown> }
  | { ok: false; error: ProtocolError };

/** The Responses API's floor for `max_output_tokens`. */
export const MIN_OUTPUT_TOKENS = 16;

export function parseResponsesRequest(body: unknown): ParsedResponsesRequest {
  if (!isRecord(body)) {
    return invalid(
      `Invalid type for request body: expected an object, but got ${describe(body)} instead.`,
      null,
      'invalid_type',
    );
  }

  const model = body.model;
  if (isAbsent(model) || model === '') return missing('model');
  if (typeof model !== 'string') return wrongType('model', 'a string', model);

  const input = body.input;
  if (isAbsent(input)) return missing('input');
  if (typeof input !== 'string' && !Array.isArray(input)) {
    return wrongType('input', 'one of a string or an array of input items', input);
  }

  const refused = refuseStatefulFeatures(body);
  if (refused !== null) return { ok: false, error: refused };

  const stream = body.stream;
  if (!isAbsent(stream) && typeof stream !== 'boolean') {
    return wrongType('stream', 'a boolean', stream);
  }

  const maxOutputTokens = checkPositiveInteger(
    'max_output_tokens',
    body.max_output_tokens,
    MIN_OUTPUT_TOKENS,
  );
  if (!maxOutputTokens.ok) return maxOutputTokens;

  const models = checkModelList('models', body.models);
  if (!models.ok) return models;
  const fallbacks = checkModelList('fallbacks', body.fallbacks);
  if (!fallbacks.ok) return fallbacks;

  return {
    ok: true,
    body,
    view: {
      model,
      stream: stream === true,
      maxOutputTokens: maxOutputTokens.value,
      fallbackModels: [...new Set([...models.value, ...fallbacks.value])].filter(
        (m) => m !== model,
      ),
    },
  };
}

/**
 * Features that need state the gateway cannot reach. `previous_response_id` is not among them: OpenAI keeps
 * that state, so a channel speaking the Responses API can serve it (the request goes to the channel that
 * stored the response); only a translation refuses it (`to-hub.ts`). A conversation object or a background
 * response is fetched through endpoints the gateway does not serve, so the client is told at once.
 */
function refuseStatefulFeatures(body: Record<string, unknown>): ProtocolError | null {
  const unsupported = (param: string, message: string): ProtocolError => ({
    status: 400,
    type: 'invalid_request_error',
    code: 'unsupported_parameter',
    param,
    message,
  });
  if (!isAbsent(body.conversation)) {
    return unsupported(
      'conversation',
      "Unsupported parameter: 'conversation'. This gateway stores no conversations: send the whole " +
        "conversation in 'input' instead.",
    );
  }
  if (body.background === true) {
    return unsupported(
      'background',
      "Unsupported parameter: 'background'. This gateway stores no responses to poll: send the request " +
        "without 'background' (with 'stream': true for long answers).",
    );
  }
  return null;
}
