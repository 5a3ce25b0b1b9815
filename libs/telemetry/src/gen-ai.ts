// The OpenTelemetry GenAI semantic conventions' names for what ingress serves, shared by the GenAI metrics and
// the ingress span attributes, so both say the same thing.

export type GenAiOperation = 'chat' | 'generate_content' | 'embeddings' | 'count_tokens';

/** `gen_ai.operation.name` of each data-plane route; the others (model lists, key info) are no GenAI operation. */
const OPERATIONS: Readonly<Record<string, GenAiOperation>> = {
  chat_completions: 'chat',
  responses: 'chat',
  messages: 'chat',
  generate_content: 'generate_content',
  embeddings: 'embeddings',
  embed_content: 'embeddings',
  count_tokens: 'count_tokens',
};

/** `gen_ai.operation.name` for a data-plane route label, or null for a route that is no GenAI operation. */
export function genAiOperationName(route: string): GenAiOperation | null {
  return OPERATIONS[route] ?? null;
}

/**
 * The operation the GenAI metrics measure a route under, or null: token counting generates nothing, so it gets
 * no token or duration series (its span still names it).
 */
export function genAiMetricOperation(
  route: string,
): Exclude<GenAiOperation, 'count_tokens'> | null {
  const operation = genAiOperationName(route);
  return operation === 'count_tokens' ? null : operation;
}

/**
 * `gen_ai.provider.name` for a channel type: the conventions' well-known value where there is one (Gemini's
 * API is `gcp.gemini`), a custom one otherwise (custom values are allowed).
 */
export function genAiProviderName(channelType: string): string {
  switch (channelType) {
    case 'gemini':
      return 'gcp.gemini';
    case 'openai-compatible':
      // Any server speaking OpenAI's API (vLLM, Ollama, a proxy): the provider itself is not known.
      return 'openai_compatible';
    case 'mock':
      return 'relaymesh.mock';
    default:
      return channelType;
  }
}

/**
 * A request's model as a metric label, or null: named only once a channel was tried for it. Routing tries a
 * channel only for a model in the catalogue, so the label's values are bounded by the catalogue, never by what
 * clients type (issue 15, D4: every made-up model name was a new series for ever). The GenAI metrics leave the
 * model empty otherwise (the conventions' absent attribute); the ledger's metrics say `other`.
 */
export function catalogueModelLabel(model: string | null, channelTried: boolean): string | null {
  return channelTried && model !== null ? model : null;
}
