import type { HubRequest } from '../hub/hub.types';
import { hubRequest } from '../hub/hub-request';
import { estimateInputTokens, mockAnswer, mockStream } from './mock-model';

const request = (over: Partial<HubRequest> = {}): HubRequest =>
  hubRequest('demo', [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }], over);

describe('mock model', () => {
  it('echoes the last user text and reports usage', () => {
    const answer = mockAnswer(request(), 'mock-1', 'id1');
    expect(answer.content).toEqual([
      { type: 'text', text: 'Mock answer from relaymesh (mock-1). You said: hello there' },
    ]);
    expect(answer.stopReason).toBe('end_turn');
    expect(answer.usage.outputTokens).toBe(9);
    expect(answer.usage.inputTokens).toBe(estimateInputTokens(request()));
  });

  it('stops at max tokens', () => {
    const answer = mockAnswer(request({ maxTokens: 3 }), 'mock-1', 'id1');
    expect(answer.content).toEqual([{ type: 'text', text: 'Mock answer from' }]);
    expect(answer.stopReason).toBe('max_tokens');
  });

  it('streams the same text, a word per delta, ending with usage and finish', () => {
    const events = mockStream(request(), 'mock-1', 'id1');
    const text = events.map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
    expect(text).toBe(mockAnswer(request(), 'mock-1', 'id1').content[0]['text' as never]);
    expect(events[0]).toEqual({ type: 'start', id: 'id1', model: 'mock-1' });
    expect(events.at(-1)).toEqual({ type: 'finish', stopReason: 'end_turn', stopSequence: null });
  });

  it.each<[string, Partial<HubRequest>, number]>([
    ['a short prompt: framing plus chars / 4', {}, 3 + 4 + 3],
    ['a system prompt counts', { system: 'x'.repeat(40) }, 3 + 4 + 13],
    [
      'tools count by name, description and schema',
      { tools: [{ name: 'abcd', description: 'efgh', parameters: {} }] },
      3 + 4 + 8 + 6,
    ],
  ])('estimates input tokens: %s', (_, over, expected) => {
    expect(estimateInputTokens(request(over))).toBe(expected);
  });
});
