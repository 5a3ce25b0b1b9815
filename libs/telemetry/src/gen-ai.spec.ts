import { genAiOperationName, genAiProviderName } from './gen-ai';

describe('GenAI semantic-convention names', () => {
  it.each([
    ['chat_completions', 'chat'],
    ['responses', 'chat'],
    ['messages', 'chat'],
    ['generate_content', 'generate_content'],
    ['embeddings', 'embeddings'],
    ['embed_content', 'embeddings'],
    ['count_tokens', null],
    ['models', null],
  ])('should name route %s operation %s', (route, operation) => {
    expect(genAiOperationName(route)).toBe(operation);
  });

  it('should use the well-known provider names and keep other channel types', () => {
    expect(genAiProviderName('gemini')).toBe('gcp.gemini');
    expect(genAiProviderName('openai')).toBe('openai');
    expect(genAiProviderName('anthropic')).toBe('anthropic');
    expect(genAiProviderName('openai-compatible')).toBe('openai-compatible');
  });
});
