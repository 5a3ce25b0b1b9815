import {
  catalogueModelLabel,
  genAiMetricOperation,
  genAiOperationName,
  genAiProviderName,
} from './gen-ai';

describe('GenAI semantic-convention names', () => {
  it.each([
    ['chat_completions', 'chat', 'chat'],
    ['responses', 'chat', 'chat'],
    ['messages', 'chat', 'chat'],
    ['generate_content', 'generate_content', 'generate_content'],
    ['embeddings', 'embeddings', 'embeddings'],
    ['embed_content', 'embeddings', 'embeddings'],
    ['count_tokens', 'count_tokens', null],
    ['models', null, null],
    ['key', null, null],
  ])('should name route %s operation %s (metered as %s)', (route, operation, metered) => {
    expect(genAiOperationName(route)).toBe(operation);
    expect(genAiMetricOperation(route)).toBe(metered);
  });

  it.each([
    ['openai', 'openai'],
    ['anthropic', 'anthropic'],
    ['gemini', 'gcp.gemini'],
    ['openai-compatible', 'openai_compatible'],
    ['mock', 'relaymesh.mock'],
  ])('should name channel type %s provider %s', (type, provider) => {
    expect(genAiProviderName(type)).toBe(provider);
  });

  it.each([
    ['a model a channel was tried for', 'gpt-5-mini', true, 'gpt-5-mini'],
    ['a model no channel was tried for (refused, unknown)', 'a\u0000b', false, null],
    ['no model at all', null, true, null],
  ])('should label %s as %s', (_, model, tried, label) => {
    expect(catalogueModelLabel(model, tried)).toBe(label);
  });
});
