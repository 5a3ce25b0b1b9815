// Reading OpenAI usage into the gateway's TokenUsage (cached tokens are part of input).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageFromChatCompletion, usageFromChatUsage } from './usage';

describe('usageFromChatCompletion', () => {
  it('reads a recorded completion: cached tokens reported apart and counted in input', () => {
    const json: unknown = JSON.parse(
      readFileSync(join(__dirname, '__fixtures__', 'chat-completion.json'), 'utf8'),
    );
    expect(usageFromChatCompletion(json)).toEqual({
      inputTokens: 1117,
      outputTokens: 33,
      cacheReadTokens: 1024,
      cacheWriteTokens: 0,
    });
  });

  it.each<[string, unknown]>([
    ['a response without usage', { id: 'x', choices: [] }],
    ['usage: null', { usage: null }],
    ['usage without token counts', { usage: { total_tokens: 5 } }],
    ['not an object', 'oops'],
    ['null', null],
  ])('is null for %s', (_case, json) => {
    expect(usageFromChatCompletion(json)).toBeNull();
  });
});

describe('usageFromChatUsage', () => {
  it.each<[string, Record<string, unknown>, [number, number, number]]>([
    ['no prompt_tokens_details', { prompt_tokens: 10, completion_tokens: 5 }, [10, 5, 0]],
    [
      'details without cached_tokens',
      { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: {} },
      [10, 5, 0],
    ],
    ['only completion_tokens', { completion_tokens: 7 }, [0, 7, 0]],
    [
      'reasoning tokens stay inside completion_tokens',
      {
        prompt_tokens: 3,
        completion_tokens: 900,
        completion_tokens_details: { reasoning_tokens: 832 },
      },
      [3, 900, 0],
    ],
    [
      "DeepSeek's prompt_cache_hit_tokens",
      {
        prompt_tokens: 100,
        completion_tokens: 1,
        prompt_cache_hit_tokens: 64,
        prompt_cache_miss_tokens: 36,
      },
      [100, 1, 64],
    ],
    [
      'cached tokens above the prompt are capped',
      { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 50 } },
      [10, 1, 10],
    ],
    ['negative counts are ignored', { prompt_tokens: -1, completion_tokens: 4 }, [0, 4, 0]],
  ])('%s', (_case, usage, [inputTokens, outputTokens, cacheReadTokens]) => {
    expect(usageFromChatUsage(usage)).toEqual({
      inputTokens,
      outputTokens,
      cacheReadTokens,
      cacheWriteTokens: 0,
    });
  });
});
