// Channel selection: groups, priority tiers, weights, model mapping, provider/model ids, 404 vs 503.
import type { RoutableChannel } from './routable-channel';
import { channel, scriptedRandom, seededRandom } from './__fixtures__/channels';
import { RoutingTable } from './routing-table';
import { selectChannel } from './select-channel';

interface Row {
  name: string;
  channels: RoutableChannel[];
  group?: string;
  model: string;
  exclude?: string[];
  avoid?: string[];
  random?: number[];
  expected:
    | { channel: string; model?: string; upstreamModel?: string; panic?: boolean }
    | { reason: 'unknown_model' | 'no_channel' };
}

const rows: Row[] = [
  // groups
  {
    name: 'picks the only channel of the group',
    channels: [channel('a', { models: ['gpt-4o'] })],
    model: 'gpt-4o',
    random: [0.5],
    expected: { channel: 'a', model: 'gpt-4o', upstreamModel: 'gpt-4o' },
  },
  {
    name: 'ignores channels of other groups',
    channels: [
      channel('vip', { models: ['gpt-4o'], groups: ['vip'], priority: 100 }),
      channel('std', { models: ['gpt-4o'], groups: ['default'] }),
    ],
    model: 'gpt-4o',
    random: [0],
    expected: { channel: 'std' },
  },
  {
    name: 'no_channel when the model is served only in another group',
    channels: [channel('vip', { models: ['gpt-4o'], groups: ['vip'] })],
    model: 'gpt-4o',
    expected: { reason: 'no_channel' },
  },
  {
    name: 'a channel in several groups serves each of them',
    channels: [channel('multi', { models: ['gpt-4o'], groups: ['default', 'vip'] })],
    group: 'vip',
    model: 'gpt-4o',
    random: [0],
    expected: { channel: 'multi' },
  },
  // priorities
  {
    name: 'the highest priority tier wins whatever the random draw',
    channels: [
      channel('low', { models: ['m'], priority: 0, weight: 100 }),
      channel('high', { models: ['m'], priority: 10, weight: 1 }),
    ],
    model: 'm',
    random: [0.999],
    expected: { channel: 'high' },
  },
  {
    name: 'falls to the lower tier when the whole top tier is excluded',
    channels: [
      channel('h1', { models: ['m'], priority: 10 }),
      channel('h2', { models: ['m'], priority: 10 }),
      channel('low', { models: ['m'], priority: -5 }),
    ],
    model: 'm',
    exclude: ['h1', 'h2'],
    random: [0],
    expected: { channel: 'low' },
  },
  {
    name: 'falls to the lower tier when the whole top tier is disabled',
    channels: [
      channel('h1', { models: ['m'], priority: 10, status: 'manually_disabled' }),
      channel('h2', { models: ['m'], priority: 10, status: 'auto_disabled' }),
      channel('low', { models: ['m'], priority: 1 }),
    ],
    model: 'm',
    random: [0],
    expected: { channel: 'low' },
  },
  {
    name: 'stays in the top tier while one of its channels is left',
    channels: [
      channel('h1', { models: ['m'], priority: 10 }),
      channel('h2', { models: ['m'], priority: 10, status: 'auto_disabled' }),
      channel('h3', { models: ['m'], priority: 10 }),
      channel('low', { models: ['m'], priority: 1 }),
    ],
    model: 'm',
    exclude: ['h1'],
    random: [0.99],
    expected: { channel: 'h3' },
  },
  {
    name: 'no_channel when every channel is excluded',
    channels: [channel('a', { models: ['m'] }), channel('b', { models: ['m'], priority: -1 })],
    model: 'm',
    exclude: ['a', 'b'],
    expected: { reason: 'no_channel' },
  },
  {
    name: 'no_channel when every channel is disabled',
    channels: [
      channel('a', { models: ['m'], status: 'manually_disabled' }),
      channel('b', { models: ['m'], status: 'auto_disabled' }),
    ],
    model: 'm',
    expected: { reason: 'no_channel' },
  },
  {
    name: 'unknown_model when no channel anywhere serves it',
    channels: [channel('a', { models: ['gpt-4o'] })],
    model: 'gpt-5',
    expected: { reason: 'unknown_model' },
  },
  // weights (total 4: [0, 3) -> a, [3, 4) -> b)
  {
    name: 'weights 3:1, draw 0.74 lands in the first share',
    channels: [
      channel('a', { models: ['m'], weight: 3 }),
      channel('b', { models: ['m'], weight: 1 }),
    ],
    model: 'm',
    random: [0.74],
    expected: { channel: 'a' },
  },
  {
    name: 'weights 3:1, draw 0.75 lands in the second share',
    channels: [
      channel('a', { models: ['m'], weight: 3 }),
      channel('b', { models: ['m'], weight: 1 }),
    ],
    model: 'm',
    random: [0.75],
    expected: { channel: 'b' },
  },
  {
    name: 'an excluded channel gives its share to the others',
    channels: [
      channel('a', { models: ['m'], weight: 3 }),
      channel('b', { models: ['m'], weight: 1 }),
      channel('c', { models: ['m'], weight: 1 }),
    ],
    model: 'm',
    exclude: ['a'],
    random: [0.5],
    expected: { channel: 'c' },
  },
  {
    name: 'a weight 0 channel is skipped while a weighted one is left',
    channels: [
      channel('zero', { models: ['m'], weight: 0 }),
      channel('one', { models: ['m'], weight: 1 }),
    ],
    model: 'm',
    random: [0],
    expected: { channel: 'one' },
  },
  {
    name: 'a weight 0 channel takes over when the weighted one is excluded',
    channels: [
      channel('five', { models: ['m'], weight: 5 }),
      channel('zero', { models: ['m'], weight: 0 }),
    ],
    model: 'm',
    exclude: ['five'],
    random: [0.9],
    expected: { channel: 'zero' },
  },
  {
    name: 'all weight 0: uniform, draw 0 -> first',
    channels: [
      channel('z1', { models: ['m'], weight: 0 }),
      channel('z2', { models: ['m'], weight: 0 }),
    ],
    model: 'm',
    random: [0],
    expected: { channel: 'z1' },
  },
  {
    name: 'all weight 0: uniform, draw 0.5 -> second',
    channels: [
      channel('z1', { models: ['m'], weight: 0 }),
      channel('z2', { models: ['m'], weight: 0 }),
    ],
    model: 'm',
    random: [0.5],
    expected: { channel: 'z2' },
  },
  {
    name: 'a weight 0 channel of a higher tier still beats a lower tier',
    channels: [
      channel('standby', { models: ['m'], weight: 0, priority: 10 }),
      channel('low', { models: ['m'], weight: 100, priority: 0 }),
    ],
    model: 'm',
    random: [0.3],
    expected: { channel: 'standby' },
  },
  // model mapping
  {
    name: 'a mapping key is served under its upstream name',
    channels: [channel('a', { model_mapping: { 'gpt-4o-mini': 'gpt-4o-mini-2024-07-18' } })],
    model: 'gpt-4o-mini',
    random: [0],
    expected: { channel: 'a', model: 'gpt-4o-mini', upstreamModel: 'gpt-4o-mini-2024-07-18' },
  },
  {
    name: 'the mapping applies to a model also listed in `models`',
    channels: [
      channel('a', { models: ['sonnet'], model_mapping: { sonnet: 'claude-sonnet-4-5-20250929' } }),
    ],
    model: 'sonnet',
    random: [0],
    expected: { channel: 'a', model: 'sonnet', upstreamModel: 'claude-sonnet-4-5-20250929' },
  },
  {
    name: 'each channel maps the same public model its own way',
    channels: [
      channel('a', { models: ['m'], weight: 1 }),
      channel('b', { model_mapping: { m: 'm-on-b' }, weight: 1 }),
    ],
    model: 'm',
    random: [0.6],
    expected: { channel: 'b', model: 'm', upstreamModel: 'm-on-b' },
  },
  {
    name: 'a model named like an Object.prototype member maps to itself',
    channels: [channel('a', { models: ['constructor'] })],
    model: 'constructor',
    random: [0],
    expected: { channel: 'a', upstreamModel: 'constructor' },
  },
  // provider/model ids
  {
    name: 'openai/<model> is restricted to openai channels',
    channels: [
      channel('proxy', { type: 'anthropic', models: ['gpt-4o'], priority: 10 }),
      channel('oa', { type: 'openai', models: ['gpt-4o'], priority: 0 }),
    ],
    model: 'openai/gpt-4o',
    random: [0],
    expected: { channel: 'oa', model: 'gpt-4o', upstreamModel: 'gpt-4o' },
  },
  {
    name: 'openai/<model> means OpenAI itself, not an OpenAI-compatible server',
    channels: [channel('compat', { type: 'openai-compatible', models: ['gpt-oss-120b'] })],
    model: 'openai/gpt-oss-120b',
    expected: { reason: 'unknown_model' },
  },
  {
    name: 'an OpenAI-compatible channel answers to its own name as the provider',
    channels: [
      channel('compat', { name: 'deepseek', type: 'openai-compatible', models: ['deepseek-chat'] }),
    ],
    model: 'deepseek/deepseek-chat',
    random: [0],
    expected: { channel: 'compat', model: 'deepseek-chat' },
  },
  {
    name: 'openai-compatible/<model> does not match a plain openai channel',
    channels: [channel('oa', { type: 'openai', models: ['gpt-4o'] })],
    model: 'openai-compatible/gpt-4o',
    expected: { reason: 'unknown_model' },
  },
  {
    name: 'google/<model> matches gemini channels',
    channels: [channel('g', { type: 'gemini', models: ['gemini-2.5-pro'] })],
    model: 'google/gemini-2.5-pro',
    random: [0],
    expected: { channel: 'g', model: 'gemini-2.5-pro' },
  },
  {
    name: 'gemini/<model> matches gemini channels',
    channels: [channel('g', { type: 'gemini', models: ['gemini-2.5-pro'] })],
    model: 'gemini/gemini-2.5-pro',
    random: [0],
    expected: { channel: 'g' },
  },
  {
    name: '<channel name>/<model> picks that channel',
    channels: [
      channel('a', { name: 'azure-east', type: 'openai-compatible', models: ['gpt-4o'] }),
      channel('b', { name: 'azure-west', type: 'openai-compatible', models: ['gpt-4o'] }),
    ],
    model: 'azure-west/gpt-4o',
    random: [0],
    expected: { channel: 'b', model: 'gpt-4o' },
  },
  {
    name: 'provider/model applies the channel mapping to the name part',
    channels: [
      channel('c', {
        type: 'anthropic',
        model_mapping: { 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929' },
      }),
    ],
    model: 'anthropic/claude-sonnet-4-5',
    random: [0],
    expected: {
      channel: 'c',
      model: 'claude-sonnet-4-5',
      upstreamModel: 'claude-sonnet-4-5-20250929',
    },
  },
  {
    name: 'an id served as given is not split into provider/name',
    channels: [
      channel('router', { type: 'openai-compatible', models: ['openai/gpt-4o'], priority: 0 }),
      channel('oa', { type: 'openai', models: ['gpt-4o'], priority: 10 }),
    ],
    model: 'openai/gpt-4o',
    random: [0],
    expected: { channel: 'router', model: 'openai/gpt-4o', upstreamModel: 'openai/gpt-4o' },
  },
  {
    name: 'an id served as given only by a disabled channel is still not split',
    channels: [
      channel('router', { models: ['openai/gpt-4o'], status: 'auto_disabled' }),
      channel('oa', { type: 'openai', models: ['gpt-4o'] }),
    ],
    model: 'openai/gpt-4o',
    expected: { reason: 'no_channel' },
  },
  {
    name: 'provider/model is unknown when that provider does not serve the name',
    channels: [channel('oa', { type: 'openai', models: ['gpt-4o'] })],
    model: 'anthropic/gpt-4o',
    expected: { reason: 'unknown_model' },
  },
  {
    name: "provider/model is no_channel when that provider's channels are all down",
    channels: [
      channel('an', { type: 'anthropic', models: ['claude-haiku-4-5'], status: 'auto_disabled' }),
      channel('oa', { type: 'openai', models: ['claude-haiku-4-5'] }),
    ],
    model: 'anthropic/claude-haiku-4-5',
    expected: { reason: 'no_channel' },
  },
  {
    name: 'provider/model keeps priorities and exclusions',
    channels: [
      channel('g1', { type: 'gemini', models: ['gemini-2.5-flash'], priority: 10 }),
      channel('g2', { type: 'gemini', models: ['gemini-2.5-flash'], priority: 0 }),
    ],
    model: 'google/gemini-2.5-flash',
    exclude: ['g1'],
    random: [0],
    expected: { channel: 'g2' },
  },
  {
    name: 'a bare model with a slash that nobody serves is unknown',
    channels: [channel('oa', { models: ['gpt-4o'] })],
    model: 'meta-llama/Llama-3.3-70B-Instruct',
    expected: { reason: 'unknown_model' },
  },
  // health: ejection, panic threshold, ramp, cool-down
  {
    name: 'an ejected channel gets no traffic while half of its tier is in rotation',
    channels: [
      channel('a', { models: ['m'], status: 'auto_disabled', ejected: true }),
      channel('b', { models: ['m'] }),
    ],
    model: 'm',
    random: [0],
    expected: { channel: 'b', panic: false },
  },
  {
    name: 'panic: with fewer than half in rotation, picks spread across the ejected ones too',
    channels: [
      channel('a', { models: ['m'], status: 'auto_disabled', ejected: true }),
      channel('b', { models: ['m'], status: 'auto_disabled', ejected: true }),
      channel('c', { models: ['m'] }),
    ],
    model: 'm',
    random: [0],
    expected: { channel: 'a', panic: true },
  },
  {
    name: 'panic never routes to a channel disabled for a bad key or by hand',
    channels: [
      channel('key', { models: ['m'], status: 'auto_disabled', ejected: false }),
      channel('hand', { models: ['m'], status: 'manually_disabled' }),
      channel('ej1', { models: ['m'], status: 'auto_disabled', ejected: true }),
      channel('ej2', { models: ['m'], status: 'auto_disabled', ejected: true }),
      channel('c', { models: ['m'] }),
    ],
    model: 'm',
    random: [0],
    expected: { channel: 'ej1', panic: true },
  },
  {
    name: 'disabled channels do not count toward the panic threshold',
    channels: [
      channel('key', { models: ['m'], status: 'auto_disabled', ejected: false }),
      channel('hand', { models: ['m'], status: 'manually_disabled' }),
      channel('ej', { models: ['m'], status: 'auto_disabled', ejected: true }),
      channel('c', { models: ['m'] }),
    ],
    model: 'm',
    random: [0],
    expected: { channel: 'c', panic: false },
  },
  {
    name: 'the only channel of a model, ejected, is still tried (a panic pick)',
    channels: [channel('a', { models: ['m'], status: 'auto_disabled', ejected: true })],
    model: 'm',
    random: [0],
    expected: { channel: 'a', panic: true },
  },
  {
    name: 'a tier that is all ejected spills to a lower tier in rotation first',
    channels: [
      channel('top', { models: ['m'], priority: 10, status: 'auto_disabled', ejected: true }),
      channel('low', { models: ['m'], priority: 0 }),
    ],
    model: 'm',
    random: [0],
    expected: { channel: 'low', panic: false },
  },
  {
    name: 'ejected channels are the last resort once every channel in rotation was tried',
    channels: [
      channel('top', { models: ['m'], priority: 10, status: 'auto_disabled', ejected: true }),
      channel('low', { models: ['m'], priority: 0 }),
    ],
    model: 'm',
    exclude: ['low'],
    random: [0],
    expected: { channel: 'top', panic: true },
  },
  {
    name: 'a channel disabled for a bad key is never a last resort',
    channels: [channel('a', { models: ['m'], status: 'auto_disabled' })],
    model: 'm',
    expected: { reason: 'no_channel' },
  },
  {
    name: 'a ramping channel takes its reduced share: 1 x 0.25 vs 1, draw 0.19 lands in it',
    channels: [
      channel('ramp', { models: ['m'], weight_factor: 0.25 }),
      channel('b', { models: ['m'] }),
    ],
    model: 'm',
    random: [0.19],
    expected: { channel: 'ramp' },
  },
  {
    name: 'a ramping channel takes its reduced share: draw 0.21 lands past it',
    channels: [
      channel('ramp', { models: ['m'], weight_factor: 0.25 }),
      channel('b', { models: ['m'] }),
    ],
    model: 'm',
    random: [0.21],
    expected: { channel: 'b' },
  },
  {
    name: 'a cooling channel is avoided while another is left',
    channels: [channel('a', { models: ['m'] }), channel('b', { models: ['m'] })],
    model: 'm',
    avoid: ['a'],
    random: [0],
    expected: { channel: 'b' },
  },
  {
    name: 'a cooling channel still serves when nothing else is left',
    channels: [channel('a', { models: ['m'] }), channel('b', { models: ['m'] })],
    model: 'm',
    avoid: ['a'],
    exclude: ['b'],
    random: [0],
    expected: { channel: 'a' },
  },
];

describe('selectChannel', () => {
  it.each(rows)('$name', (row) => {
    const random = jest.fn(scriptedRandom(...(row.random ?? [])));
    const result = selectChannel(
      RoutingTable.build(row.channels),
      {
        group: row.group ?? 'default',
        model: row.model,
        exclude: new Set(row.exclude ?? []),
        avoid: new Set(row.avoid ?? []),
      },
      random,
    );

    if ('reason' in row.expected) {
      expect(result).toEqual({ ok: false, reason: row.expected.reason });
      expect(random).not.toHaveBeenCalled();
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.channel.id).toBe(row.expected.channel);
    if (row.expected.model !== undefined) expect(result.model).toBe(row.expected.model);
    if (row.expected.upstreamModel !== undefined) {
      expect(result.upstreamModel).toBe(row.expected.upstreamModel);
    }
    if (row.expected.panic !== undefined) expect(result.panic).toBe(row.expected.panic);
    expect(random).toHaveBeenCalledTimes(1);
  });

  it('works without an exclude set', () => {
    const table = RoutingTable.build([channel('a', { models: ['m'] })]);
    expect(selectChannel(table, { group: 'default', model: 'm' }, () => 0)).toMatchObject({
      ok: true,
      channel: { id: 'a' },
    });
  });

  it('returns the caller’s own channel object', () => {
    const own = { ...channel('a', { models: ['m'] }), base_url: 'https://api.openai.com' };
    const result = selectChannel(
      RoutingTable.build([own]),
      { group: 'default', model: 'm' },
      () => 0,
    );
    expect(result.ok && result.channel).toBe(own);
  });
});

describe('selectChannel weight distribution (seeded, 4000 picks)', () => {
  const picks = 4000;

  function share(
    channels: RoutableChannel[],
    seed: number,
    exclude?: string[],
  ): Map<string, number> {
    const table = RoutingTable.build(channels);
    const random = seededRandom(seed);
    const counts = new Map<string, number>();
    for (let i = 0; i < picks; i++) {
      const result = selectChannel(
        table,
        { group: 'default', model: 'm', exclude: new Set(exclude) },
        random,
      );
      if (!result.ok) throw new Error(`pick ${i} failed: ${result.reason}`);
      counts.set(result.channel.id, (counts.get(result.channel.id) ?? 0) + 1);
    }
    return counts;
  }

  // Binomial standard deviation for 4000 picks at p = 0.25 is about 27; +-100 is a 3.6 sigma band, and the
  // seed makes the run reproducible, so this fails only if the weighting is wrong.
  it.each([1, 42, 20240601])('splits 3:1 weights about 3000:1000 (seed %i)', (seed) => {
    const counts = share(
      [channel('a', { models: ['m'], weight: 3 }), channel('b', { models: ['m'], weight: 1 })],
      seed,
    );
    expect(counts.get('a')).toBeGreaterThanOrEqual(2900);
    expect(counts.get('a')).toBeLessThanOrEqual(3100);
    expect((counts.get('a') ?? 0) + (counts.get('b') ?? 0)).toBe(picks);
  });

  it('splits 5:3:2 weights about 2000:1200:800 and never picks weight 0', () => {
    const counts = share(
      [
        channel('a', { models: ['m'], weight: 5 }),
        channel('idle', { models: ['m'], weight: 0 }),
        channel('b', { models: ['m'], weight: 3 }),
        channel('c', { models: ['m'], weight: 2 }),
      ],
      7,
    );
    expect(counts.get('idle')).toBeUndefined();
    for (const [id, expected] of [
      ['a', 2000],
      ['b', 1200],
      ['c', 800],
    ] as const) {
      expect(Math.abs((counts.get(id) ?? 0) - expected)).toBeLessThanOrEqual(110);
    }
  });

  it('spreads all-zero weights uniformly', () => {
    const counts = share(
      [
        channel('a', { models: ['m'], weight: 0 }),
        channel('b', { models: ['m'], weight: 0 }),
        channel('c', { models: ['m'], weight: 0 }),
        channel('d', { models: ['m'], weight: 0 }),
      ],
      99,
      ['d'],
    );
    expect(counts.get('d')).toBeUndefined();
    for (const id of ['a', 'b', 'c']) {
      expect(Math.abs((counts.get(id) ?? 0) - picks / 3)).toBeLessThanOrEqual(110);
    }
  });
});
