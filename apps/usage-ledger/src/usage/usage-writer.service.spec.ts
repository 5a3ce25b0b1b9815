import { UsageRecord } from '@relaymesh/contracts';
import { ledgerModelLabel } from './usage-writer.service';

function record(model: string | null, attempts: number, channelId: string | null): UsageRecord {
  return { model, attempts, channel_id: channelId } as UsageRecord;
}

describe('ledgerModelLabel', () => {
  it.each([
    ['a model a channel served', record('gpt-5-mini', 1, 'ch-1'), 'gpt-5-mini'],
    ['a model a channel failed, after failovers', record('gpt-5-mini', 3, 'ch-2'), 'gpt-5-mini'],
    [
      'a name no channel was tried for (unknown, refused)',
      record('made-up-1234', 0, null),
      'other',
    ],
    ['a refused request of a disabled key', record('a\ufffdb', 0, null), 'other'],
    ['no model', record(null, 1, 'ch-1'), 'other'],
  ])('should label %s', (_, given, label) => {
    expect(ledgerModelLabel(given)).toBe(label);
  });

  it('should give any number of made-up model names one label', () => {
    const labels = new Set(
      Array.from({ length: 1000 }, (_, i) => ledgerModelLabel(record(`random-${i}`, 0, null))),
    );
    expect([...labels]).toEqual(['other']);
  });
});
