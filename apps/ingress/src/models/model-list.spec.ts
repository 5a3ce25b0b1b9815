import { modelList } from './model-list';

describe('modelList', () => {
  const models = ['claude-sonnet-4-6', 'gpt-5-mini'];

  it('should list in the OpenAI shape', () => {
    expect(modelList('openai', models)).toEqual({
      object: 'list',
      data: [
        { id: 'claude-sonnet-4-6', object: 'model', created: 0, owned_by: 'relaymesh' },
        { id: 'gpt-5-mini', object: 'model', created: 0, owned_by: 'relaymesh' },
      ],
    });
  });

  it('should list in the Anthropic shape with paging ids', () => {
    expect(modelList('anthropic', models)).toMatchObject({
      data: [
        { type: 'model', id: 'claude-sonnet-4-6' },
        { type: 'model', id: 'gpt-5-mini' },
      ],
      has_more: false,
      first_id: 'claude-sonnet-4-6',
      last_id: 'gpt-5-mini',
    });
  });

  it('should list in the Gemini shape with models/ names', () => {
    expect(modelList('gemini', ['gemini-2.5-flash'])).toMatchObject({
      models: [
        {
          name: 'models/gemini-2.5-flash',
          supportedGenerationMethods: expect.arrayContaining(['generateContent']),
        },
      ],
    });
  });
});
