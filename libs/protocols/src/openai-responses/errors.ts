// Errors in the Responses format. A request refused before the stream starts gets OpenAI's ordinary envelope
// (`openAIErrorBody` and `openAIErrorType` of ../openai-base/errors.ts: the Responses API uses the same one).
// A failure after the first streamed byte ends the stream with an `error` event.
import { openAIErrorType } from '../openai-base/errors';

/**
 * The `error` event that ends a Responses stream. The documented shape (and the SDKs' `ResponseErrorEvent`
 * type) has `code`, `message` and `param` at the top level; what the API actually sends, and what makes the
 * SDKs' stream readers throw an APIError (openai-node and openai-python raise when the data has an `error`
 * object), nests them under `error`. Both are written, so a typed reader and an SDK user each find theirs.
 * No `response.failed` follows: the SDKs stop reading at the thrown error, and that event would need the
 * full response snapshot to be of use.
 */
export function responsesStreamErrorEvent(
  status: number,
  message: string,
  sequenceNumber: number,
): string {
  const type = openAIErrorType(status);
  const code = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : null;
  const data = {
    type: 'error',
    sequence_number: sequenceNumber,
    code,
    message,
    param: null,
    error: { type, code, message, param: null },
  };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}
