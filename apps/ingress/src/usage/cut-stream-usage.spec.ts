import { TokenUsage } from '@relaymesh/protocols';
import { DeliveredOutput, usageOfCutStream } from './cut-stream-usage';

describe('DeliveredOutput', () => {
  it('should count the answer characters of text, thinking, tool names and tool arguments, 4 to a token', () => {
    const delivered = new DeliveredOutput();
    delivered.add({ type: 'start', id: 'x', model: 'm' });
    delivered.add({ type: 'block_start', index: 0, block: { type: 'text' } });
    delivered.add({ type: 'text_delta', index: 0, text: 'Hello ' }); // 6
    delivered.add({ type: 'thinking_delta', index: 1, text: 'hmm' }); // 3
    delivered.add({
      type: 'signature_delta',
      index: 1,
      signature: { issuer: 'anthropic', value: 'not-output-at-all' },
    });
    delivered.add({
      type: 'block_start',
      index: 2,
      block: { type: 'tool_call', id: 'call_1', name: 'get' }, // 3
    });
    delivered.add({ type: 'tool_arguments_delta', index: 2, json: '{"a":1}' }); // 7
    delivered.add({ type: 'usage', usage: { outputTokens: 99 } });
    delivered.add({ type: 'finish', stopReason: 'end_turn', stopSequence: null });
    expect(delivered.tokens).toBe(Math.ceil(19 / 4));
  });

  it('should count nothing before any answer', () => {
    expect(new DeliveredOutput().tokens).toBe(0);
  });
});

describe('usageOfCutStream', () => {
  const reported = (usage: Partial<TokenUsage>): TokenUsage => ({
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    ...usage,
  });

  it.each([
    [
      'nothing reported: both estimated',
      null,
      120,
      7,
      reported({ inputTokens: 120, outputTokens: 7 }),
    ],
    [
      'input reported at the start (Anthropic): kept, output estimated',
      reported({ inputTokens: 300, cacheReadTokens: 200, cacheWriteTokens: 50 }),
      120,
      7,
      reported({ inputTokens: 300, outputTokens: 7, cacheReadTokens: 200, cacheWriteTokens: 50 }),
    ],
    [
      'an output count above the estimate: never lowered',
      reported({ inputTokens: 10, outputTokens: 40, reasoningTokens: 30 }),
      120,
      7,
      reported({ inputTokens: 10, outputTokens: 40, reasoningTokens: 30 }),
    ],
    [
      'an output count below what was delivered: raised to it',
      reported({ inputTokens: 10, outputTokens: 2 }),
      120,
      7,
      reported({ inputTokens: 10, outputTokens: 7 }),
    ],
  ])('%s', (_case, upstream, prompt, delivered, expected) => {
    expect(usageOfCutStream(upstream, prompt, delivered)).toEqual(expected);
  });
});
