import { responseModelOf, responseModelOfEvent } from './response-model';

describe('responseModelOf', () => {
  it.each<[string, unknown, string | null]>([
    [
      'OpenAI chat completion',
      { id: 'c', object: 'chat.completion', model: 'gpt-4o-2024-08-06' },
      'gpt-4o-2024-08-06',
    ],
    [
      'Anthropic message',
      { type: 'message', model: 'claude-sonnet-4-6', content: [] },
      'claude-sonnet-4-6',
    ],
    [
      'Gemini answer',
      { candidates: [], modelVersion: 'gemini-2.5-flash-001' },
      'gemini-2.5-flash-001',
    ],
    [
      'Responses stream event',
      { type: 'response.created', response: { model: 'gpt-5-mini' } },
      'gpt-5-mini',
    ],
    [
      'Anthropic message_start',
      { type: 'message_start', message: { model: 'claude-haiku-4-5' } },
      'claude-haiku-4-5',
    ],
    ['an Anthropic delta', { type: 'content_block_delta', delta: { text: 'hi' } }, null],
    ['an empty model', { model: '' }, null],
    ['a model that is not a string', { model: 42 }, null],
    ['an array', [{ model: 'x' }], null],
    ['null', null, null],
  ])('%s', (_, json, model) => {
    expect(responseModelOf(json)).toBe(model);
  });

  it('should bound what it keeps', () => {
    expect(responseModelOf({ model: 'm'.repeat(1000) })).toHaveLength(300);
  });
});

describe('responseModelOfEvent', () => {
  it('should read a JSON event and ignore anything else', () => {
    expect(responseModelOfEvent('{"model":"gpt-4o","choices":[]}')).toBe('gpt-4o');
    expect(responseModelOfEvent('[DONE]')).toBeNull();
    expect(responseModelOfEvent('')).toBeNull();
  });
});
