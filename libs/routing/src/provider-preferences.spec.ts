import { channel, scriptedRandom } from './__fixtures__/channels';
import {
  NO_PREFERENCES,
  ProviderPreferences,
  isProvider,
  routingStages,
} from './provider-preferences';
import type { RoutableChannel } from './routable-channel';
import { RoutingTable } from './routing-table';
import { selectChannel } from './select-channel';

const oa = channel('oa', { name: 'openai-main', type: 'openai', models: ['m'] });
const az = channel('az', { name: 'azure', type: 'openai-compatible', models: ['m'] });
const an = channel('an', { name: 'claude', type: 'anthropic', models: ['m'] });
const gm = channel('gm', { name: 'vertex', type: 'gemini', models: ['m'] });
const all = [oa, az, an, gm];
const latency: Record<string, number | null> = { oa: 300, az: 120, an: null, gm: 80 };

function stages(prefs: Partial<ProviderPreferences>): string[][] | null {
  const result = routingStages(all, { ...NO_PREFERENCES, ...prefs }, (c) => latency[c.id]);
  return result && result.map((stage) => [...stage]);
}

describe('isProvider', () => {
  it.each<[RoutableChannel, string, boolean]>([
    [oa, 'openai', true],
    [az, 'openai', false],
    [az, 'Azure', true],
    [gm, 'google', true],
    [gm, 'gemini', true],
    [an, 'claude', true],
    [an, 'openai', false],
  ])('%#: %s is %s', (ch, name, expected) => {
    expect(isProvider(ch, name)).toBe(expected);
  });
});

describe('routingStages', () => {
  it.each<[string, Partial<ProviderPreferences>, string[][] | null]>([
    ['no preferences: null, the usual single pick', {}, null],
    ['only', { only: ['openai', 'anthropic'] }, [['oa', 'an']]],
    ['ignore', { ignore: ['google'] }, [['oa', 'az', 'an']]],
    ['order, then the rest', { order: ['anthropic', 'azure'] }, [['an'], ['az'], ['oa', 'gm']]],
    ['order without fallbacks', { order: ['anthropic'], allowFallbacks: false }, [['an']]],
    ['order with only', { order: ['gemini'], only: ['gemini', 'openai'] }, [['gm'], ['oa']]],
    [
      'an unknown provider in order is skipped',
      { order: ['mistral', 'openai'] },
      [['oa'], ['az', 'an', 'gm']],
    ],
    [
      'latency: fastest first, unmeasured last',
      { sort: 'latency' },
      [['gm'], ['az'], ['oa'], ['an']],
    ],
    ['price and throughput keep the usual pick', { sort: 'price' }, null],
    ['only everything out: no stage', { only: ['mistral'] }, [] as string[][]],
  ])('%s', (_, prefs, expected) => {
    expect(stages(prefs)).toEqual(expected);
  });

  it('a stage restricts the pick, keeping tiers and weights inside it', () => {
    const table = RoutingTable.build(all);
    const [first] = routingStages(all, { ...NO_PREFERENCES, order: ['anthropic'] }, () => null)!;
    const pick = selectChannel(
      table,
      { group: 'default', model: 'm', within: first },
      scriptedRandom(0.99),
    );
    expect(pick.ok && pick.channel.id).toBe('an');
  });

  it('a stage whose channels were all tried gives no_channel, so the next stage is asked', () => {
    const table = RoutingTable.build(all);
    const pick = selectChannel(
      table,
      { group: 'default', model: 'm', within: new Set(['an']), exclude: new Set(['an']) },
      scriptedRandom(),
    );
    expect(pick).toEqual({ ok: false, reason: 'no_channel' });
  });
});
