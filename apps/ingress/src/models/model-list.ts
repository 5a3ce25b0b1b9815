// The model list in each format's own shape (CONTRACT §1: OpenAI, Anthropic when `anthropic-version` is sent,
// Gemini under /v1beta/models). Pure.
export type ModelListFormat = 'openai' | 'anthropic' | 'gemini';

/** A fixed, honest timestamp: the catalogue does not track when a model was added. */
const EPOCH_SECONDS = 0;

/** The models a key may call: its group's catalogue, narrowed by the key's allow-list (empty: all of them). */
export function modelsOfKey(catalogue: readonly string[], allowed: readonly string[]): string[] {
  return catalogue.filter((model) => allowed.length === 0 || allowed.includes(model));
}

export function modelList(format: ModelListFormat, models: readonly string[]): unknown {
  switch (format) {
    case 'openai':
      return {
        object: 'list',
        data: models.map((id) => ({
          id,
          object: 'model',
          created: EPOCH_SECONDS,
          owned_by: 'relaymesh',
        })),
      };
    case 'anthropic':
      return {
        data: models.map((id) => ({
          type: 'model',
          id,
          display_name: id,
          created_at: new Date(EPOCH_SECONDS * 1000).toISOString(),
        })),
        has_more: false,
        first_id: models[0] ?? null,
        last_id: models[models.length - 1] ?? null,
      };
    case 'gemini':
      return {
        models: models.map((id) => ({
          name: `models/${id}`,
          baseModelId: id,
          version: '001',
          displayName: id,
          supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
        })),
      };
  }
}
