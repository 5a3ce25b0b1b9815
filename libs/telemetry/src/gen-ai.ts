// The OpenTelemetry GenAI semantic conventions' names for what ingress serves, shared by the GenAI metrics and
// by anything else that speaks the conventions (span attributes), so both say the same thing.

/**
 * `gen_ai.operation.name` for a data-plane route label, or null for a route that is no GenAI operation (token
 * counting, model lists): those get no GenAI metrics.
 */
export function genAiOperationName(
  route: string,
): 'chat' | 'generate_content' | 'embeddings' | null {
  switch (route) {
    case 'chat_completions':
    case 'responses':
    case 'messages':
      return 'chat';
    case 'generate_content':
      return 'generate_content';
    case 'embeddings':
    case 'embed_content':
      return 'embeddings';
    default:
      return null;
  }
}

/**
 * `gen_ai.provider.name` for a channel type: the conventions' well-known value where there is one (Gemini's
 * API is `gcp.gemini`), the channel type itself otherwise (custom values are allowed).
 */
export function genAiProviderName(channelType: string): string {
  return channelType === 'gemini' ? 'gcp.gemini' : channelType;
}
