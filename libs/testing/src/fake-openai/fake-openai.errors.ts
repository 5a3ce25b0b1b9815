// OpenAI's error envelope, `{ error: { message, type, param, code } }`, with the messages and codes the real API
// uses, so code that parses upstream errors is tested against the same text it meets in production.
import { UpstreamError } from '../fake-upstream/fake-upstream.server';

export interface OpenAIErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export interface OpenAIErrorEnvelope {
  error: OpenAIErrorBody;
}

/** Thrown inside the fake to end a request with an error response; never leaves the module. */
export class FakeApiError extends UpstreamError {
  constructor(
    status: number,
    readonly body: OpenAIErrorBody,
  ) {
    super(status, body.message);
  }

  override envelope(): OpenAIErrorEnvelope {
    return { error: this.body };
  }
}

export function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): FakeApiError {
  return new FakeApiError(400, { message, type: 'invalid_request_error', param, code });
}

/** How the real API names a JSON value's type in `invalid_type` messages ("but got a string instead"). */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a decimal number';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function invalidType(param: string, expected: string, value: unknown): FakeApiError {
  return invalidRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(value)} instead.`,
    param,
    'invalid_type',
  );
}

export function missingParameter(param: string): FakeApiError {
  return invalidRequest(
    `Missing required parameter: '${param}'.`,
    param,
    'missing_required_parameter',
  );
}

/** "Supported values are: 'a', 'b', and 'c'." as the real API words it. */
export function invalidValue(
  param: string,
  value: unknown,
  supported: readonly string[],
): FakeApiError {
  const quoted = supported.map((s) => `'${s}'`);
  const list =
    quoted.length <= 2
      ? quoted.join(' and ')
      : `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
  return invalidRequest(
    `Invalid value: '${String(value)}'. Supported values are: ${list}.`,
    param,
    'invalid_value',
  );
}

/** The Responses API rejects parameters it does not know (the Chat Completions API ignores some). */
export function unknownParameter(param: string): FakeApiError {
  return invalidRequest(`Unknown parameter: '${param}'.`, param, 'unknown_parameter');
}

export function previousResponseNotFound(id: string): FakeApiError {
  return invalidRequest(
    `Previous response with id '${id}' not found.`,
    'previous_response_id',
    'previous_response_not_found',
  );
}

/** An `item_reference` to an item this organisation did not store (or stored with `store: false`). */
export function itemNotFound(id: string): FakeApiError {
  return new FakeApiError(404, {
    message: `Item with id '${id}' not found.`,
    type: 'invalid_request_error',
    param: 'input',
    code: null,
  });
}

export function noToolCallForOutput(callId: string): FakeApiError {
  return invalidRequest(
    `No tool call found for function call output with call_id ${callId}.`,
    'input',
  );
}

export function malformedJson(): FakeApiError {
  return invalidRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
      'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If ' +
      'you have trouble figuring out how to fix this, please contact us through our help center at ' +
      'help.openai.com.)',
  );
}

export function invalidUrl(method: string, path: string): FakeApiError {
  return new FakeApiError(404, {
    message: `Invalid URL (${method} ${path})`,
    type: 'invalid_request_error',
    param: null,
    code: null,
  });
}

export function missingApiKey(): FakeApiError {
  return new FakeApiError(401, {
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using " +
      'Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if ' +
      "you're accessing the API from your browser and are prompted for a username. You can obtain an API key " +
      'from https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    param: null,
    code: null,
  });
}

export function incorrectApiKey(key: string): FakeApiError {
  return new FakeApiError(401, {
    message:
      `Incorrect API key provided: ${maskKey(key)}. You can find your API key at ` +
      'https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  });
}

export function modelNotFound(model: string): FakeApiError {
  return new FakeApiError(404, {
    message: `The model '${model}' does not exist`,
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  });
}

export function internalServerError(): FakeApiError {
  return new FakeApiError(500, {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    param: null,
    code: null,
  });
}

/** The envelope a `status` fault sends when the test gives no body: what OpenAI sends with that status. */
export function envelopeForStatus(status: number): OpenAIErrorEnvelope {
  const body = (message: string, type: string, code: string | null): OpenAIErrorEnvelope => ({
    error: { message, type, param: null, code },
  });
  switch (status) {
    case 400:
      return body('Bad request.', 'invalid_request_error', null);
    case 401:
      return incorrectApiKey('').envelope();
    case 403:
      return body(
        'You are not allowed to sample from this model',
        'invalid_request_error',
        'unsupported_country_region_territory',
      );
    case 404:
      return body(
        'The model does not exist or you do not have access to it.',
        'invalid_request_error',
        'model_not_found',
      );
    case 409:
      return body('The request conflicted with another request.', 'invalid_request_error', null);
    case 429:
      return body(
        'Rate limit reached for requests. Please try again in 1s.',
        'requests',
        'rate_limit_exceeded',
      );
    case 500:
      return internalServerError().envelope();
    case 502:
      return body('Bad gateway.', 'server_error', null);
    case 503:
      return body('The server is overloaded or not ready yet.', 'server_error', null);
    case 504:
      return body('Gateway timeout.', 'server_error', null);
    default:
      return status >= 500
        ? body(`The server returned status ${status}.`, 'server_error', null)
        : body(`The request failed with status ${status}.`, 'invalid_request_error', null);
  }
}

/** Like OpenAI, echo only the ends of a rejected key so logs of a failing test never show a whole one. */
function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}
