import { HubStreamEvent, TokenUsage } from '@relaymesh/protocols';
import { DeferredDeliveredOutput, DeliveredOutput, usageOfCutStream } from './cut-stream-usage';

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

describe('DeferredDeliveredOutput', () => {
  /** A decoder of `text:<chars>` events that records what it was given. */
  function decoder() {
    const decoded: string[] = [];
    const decode = (name: string | null, data: string): HubStreamEvent[] => {
      decoded.push(data);
      if (data === 'unreadable') throw new Error('not JSON');
      return data.startsWith('text:')
        ? [{ type: 'text_delta', index: 0, text: data.slice('text:'.length) }]
        : [];
    };
    return { decoded, decode };
  }

  it('should decode nothing until the count is wanted, then count as DeliveredOutput does', () => {
    const { decoded, decode } = decoder();
    const delivered = new DeferredDeliveredOutput(decode);
    for (const data of ['text:Hello ', 'ping', 'unreadable', 'text:world']) {
      delivered.add(null, data);
    }
    expect(decoded).toEqual([]);
    expect(delivered.tokens).toBe(Math.ceil(11 / 4));
    expect(decoded).toEqual(['text:Hello ', 'ping', 'unreadable', 'text:world']);
    // Read again: nothing decoded twice.
    delivered.add(null, 'text:!');
    expect(delivered.tokens).toBe(Math.ceil(12 / 4));
    expect(decoded).toHaveLength(5);
  });

  it('should count and drop what it holds past its bound, in order', () => {
    const { decoded, decode } = decoder();
    const delivered = new DeferredDeliveredOutput(decode, 20);
    delivered.add(null, 'text:0123456789');
    expect(decoded).toEqual([]);
    delivered.add(null, 'text:abcdef');
    expect(decoded).toEqual(['text:0123456789', 'text:abcdef']);
    expect(delivered.tokens).toBe(Math.ceil(16 / 4));
  });
});
