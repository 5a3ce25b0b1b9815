// The end of an OpenAI Chat stream that fails after its first byte. The envelope itself (`openAIErrorBody`, shared
// with Responses) is in ../openai-base/errors.ts.
import { openAIErrorBody } from '../openai-base/errors';

/**
 * The event that ends a stream with an error after bytes have been sent (the status line is long gone): OpenAI
 * sends `data: {"error":{...}}`, and the openai SDKs raise an APIError when a chunk has an `error` field.
 */
export function openAIStreamErrorEvent(
  message: string,
  type: string,
  code?: string | null,
): string {
  return `data: ${openAIErrorBody({ message, type, code: code ?? null, param: null })}\n\n`;
}
