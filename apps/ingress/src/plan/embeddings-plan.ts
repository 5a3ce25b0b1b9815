// Planning embeddings in the formats that have them (the adapter's embeddings codec: OpenAI `POST /v1/embeddings`,
// Gemini `:embedContent` / `:batchEmbedContents`). Served by channels of either format: same format is a
// pass-through (the client's body with only the model mapped and the gateway's extensions removed); across
// formats the texts are translated by libs/protocols. Gemini reports no token usage for embeddings, so it is
// estimated there. Pure: the body in, the plan (relay-plan.ts) or the 400 out.
import { EmbeddingsCall, ProtocolAdapter, estimateEmbeddingTokens } from '@relaymesh/protocols';
import { NO_PREFERENCES } from '@relaymesh/routing';
import { GatewayError } from '../http/gateway-error';
import { protocolError } from './generation-plan';
import { EmbeddingsPlan } from './relay-plan';

/** An embeddings request as planned, with the client's body (the credit reservation estimates from it). */
export interface PlannedEmbeddings {
  plan: EmbeddingsPlan;
  body: Record<string, unknown>;
  /** Why no channel could serve it, when only its own format can and none did (OpenAI token arrays). */
  untranslatable: GatewayError | null;
}

export function planEmbeddings(
  client: ProtocolAdapter,
  call: EmbeddingsCall,
  body: unknown,
): PlannedEmbeddings {
  const codec = client.embeddings;
  if (!codec) throw new Error(`${client.format} has no embeddings`);
  const request = jsonObject(body);
  const parsed = codec.parseRequest(request, call);
  if (!parsed.ok) throw protocolError(parsed.error);
  const { texts } = parsed.request;
  return {
    body: request,
    untranslatable: texts.ok ? null : protocolError(texts.error),
    plan: {
      kind: 'embeddings',
      scope: {
        model: parsed.request.model,
        models: [parsed.request.model],
        preferences: NO_PREFERENCES,
        stream: false,
      },
      client,
      request: parsed.request,
      estimate: () => (texts.ok ? estimateEmbeddingTokens(texts.request) : 0),
    },
  };
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError(400, 'The request body must be a JSON object.', {
      code: 'invalid_json',
    });
  }
  return body as Record<string, unknown>;
}
