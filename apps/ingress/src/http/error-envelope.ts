// Renders a gateway error in the envelope of the caller's wire format (CONTRACT §1: never an HTML page or a
// stack trace). The format is known from the route; for errors raised before routing (unknown path, bad JSON,
// body too large) it is inferred from the path.
import {
  anthropicErrorBody,
  geminiErrorBody,
  openAIErrorBody,
  openAIErrorType,
} from '@relaymesh/protocols';
import { GatewayErrorDetails } from './gateway-error';

export type WireFormat = 'openai' | 'anthropic' | 'gemini' | 'admin';

export function formatOfPath(url: string): WireFormat {
  const path = url.split('?')[0] ?? '';
  if (path.startsWith('/admin') || path.startsWith('/console')) return 'admin';
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (
    path.startsWith('/v1beta/') ||
    /:(generateContent|streamGenerateContent|embedContent|batchEmbedContents|countTokens)$/.test(
      path,
    )
  ) {
    return 'gemini';
  }
  return 'openai';
}

export function errorEnvelope(
  format: WireFormat,
  status: number,
  message: string,
  details: GatewayErrorDetails = {},
): string {
  switch (format) {
    case 'openai':
      return openAIErrorBody({
        message,
        type: details.type ?? openAIErrorType(status),
        code: details.code ?? null,
        param: details.param ?? null,
      });
    case 'anthropic':
      return anthropicErrorBody(status, message);
    case 'gemini':
      return geminiErrorBody(status, message);
    case 'admin':
      return JSON.stringify({ error: { message } });
  }
}
