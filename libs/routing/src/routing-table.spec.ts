// The routing index: catalogue membership (404 vs 503), model listings and tier order.
import type { SnapshotChannel } from '@relaymesh/contracts';
import { channel } from './__fixtures__/channels';
import { RoutingTable } from './routing-table';

const table = RoutingTable.build([
  channel('oa', { type: 'openai', models: ['gpt-4o', 'gpt-4o-mini'], priority: 5 }),
  channel('compat', {
    type: 'openai-compatible',
    name: 'azure-east',
    models: ['gpt-4o'],
    model_mapping: { 'gpt-4.1': 'gpt-4.1-2025-04-14' },
    priority: -3,
  }),
  channel('vip-only', { type: 'anthropic', models: ['claude-opus-4-1'], groups: ['vip'] }),
  channel('off', { type: 'gemini', models: ['gemini-2.5-pro'], status: 'manually_disabled' }),
  channel('ejected', {
    type: 'gemini',
    models: ['gemini-2.5-flash'],
    status: 'auto_disabled',
    priority: 9,
  }),
  channel('both', { models: ['gpt-4o'], groups: ['default', 'vip'], priority: 5 }),
]);

describe('RoutingTable.hasModel', () => {
  it.each([
    ['a model in `models`', 'gpt-4o', true],
    ['a key of `model_mapping` only', 'gpt-4.1', true],
    ['an upstream name that is only a mapping value', 'gpt-4.1-2025-04-14', false],
    ['a model served only in another group', 'claude-opus-4-1', true],
    ['a model whose only channel is manually disabled', 'gemini-2.5-pro', true],
    ['a model whose only channel is auto-disabled', 'gemini-2.5-flash', true],
    ['provider/name with a type prefix', 'openai/gpt-4o-mini', true],
    ['provider/name with `google` for a gemini channel', 'google/gemini-2.5-pro', true],
    ['provider/name with a channel name prefix', 'azure-east/gpt-4.1', true],
    ['provider/name where that provider does not serve the model', 'anthropic/gpt-4o', false],
    ['an unknown model', 'gpt-9', false],
    ['an unknown provider', 'mistral/gpt-4o', false],
    ['an Object.prototype member name', 'constructor', false],
    ['the empty string', '', false],
  ])('%s: %s -> %s', (_case, model, expected) => {
    expect(table.hasModel(model)).toBe(expected);
  });
});

describe('RoutingTable.models', () => {
  it('lists every public model of every group and status, sorted, without provider spellings', () => {
    expect(table.models()).toEqual([
      'claude-opus-4-1',
      'gemini-2.5-flash',
      'gemini-2.5-pro',
      'gpt-4.1',
      'gpt-4o',
      'gpt-4o-mini',
    ]);
  });

  it.each([
    ['default', ['gemini-2.5-flash', 'gemini-2.5-pro', 'gpt-4.1', 'gpt-4o', 'gpt-4o-mini']],
    ['vip', ['claude-opus-4-1', 'gpt-4o']],
    ['nobody', []],
  ])('lists the models of group %s', (group, expected) => {
    expect(table.models(group)).toEqual(expected);
  });

  it('returns a copy the caller may change', () => {
    table.models('vip').push('injected');
    expect(table.models('vip')).toEqual(['claude-opus-4-1', 'gpt-4o']);
  });
});

describe('RoutingTable.channel', () => {
  it('finds a channel by id, whatever its status, and the caller gets its own object back', () => {
    const off = channel('off', { status: 'manually_disabled' });
    expect(RoutingTable.build([off]).channel('off')).toBe(off);
    expect(table.channel('missing')).toBeUndefined();
  });
});

describe('RoutingTable.tiers', () => {
  it('groups enabled channels by priority, highest first, keeping snapshot order inside a tier', () => {
    const lookup = table.tiers('default', 'gpt-4o');
    expect(lookup.known).toBe(true);
    if (!lookup.known) return;
    expect(
      lookup.tiers.map((tier) => [tier.priority, tier.routes.map((r) => r.channel.id)]),
    ).toEqual([
      [5, ['oa', 'both']],
      [-3, ['compat']],
    ]);
  });

  it('has no tiers for a known model whose channels are all disabled', () => {
    expect(table.tiers('default', 'gemini-2.5-flash')).toEqual({ known: true, tiers: [] });
  });

  it('reports an unknown model as unknown, not as an empty tier list', () => {
    expect(table.tiers('default', 'gpt-9')).toEqual({ known: false });
  });

  it('indexes routing snapshot channels as they come, without mapping them', () => {
    const snap: SnapshotChannel = {
      ...channel('snap', { models: ['gpt-4o'] }),
      base_url: 'https://api.openai.com',
      keys_encrypted: ['v1:abc'],
      variant_suffixes: [],
      body_override: {},
      secret_headers_encrypted: {},
      timeout_ms: 300_000,
      headers: {},
    };
    expect(RoutingTable.build<SnapshotChannel>([snap]).channel('snap')?.base_url).toBe(
      'https://api.openai.com',
    );
  });

  it('builds an empty table', () => {
    const empty = RoutingTable.build([]);
    expect(empty.models()).toEqual([]);
    expect(empty.hasModel('gpt-4o')).toBe(false);
  });
});

describe('RoutingTable variants', () => {
  const variants = RoutingTable.build([
    channel('claude', {
      type: 'anthropic',
      models: ['claude-sonnet-4-6', 'claude-sonnet-4-6-high'],
      model_mapping: {
        'claude-opus-4-6-thinking': {
          model: 'claude-opus-4-6',
          overrides: { thinking: { enabled: true, budget_tokens: 8000 } },
        },
        'sonnet-latest': 'claude-sonnet-4-6',
      },
      variant_suffixes: ['-thinking', '-high'],
    }),
  ]);
  const route = (model: string) => {
    const lookup = variants.tiers('default', model);
    return lookup.known ? lookup.tiers[0]?.routes[0] : undefined;
  };

  it('serves a mapping entry with overrides under its upstream name, with its overrides', () => {
    expect(route('claude-opus-4-6-thinking')).toMatchObject({
      upstreamModel: 'claude-opus-4-6',
      variant: { overrides: { thinking: { enabled: true, budget_tokens: 8000 } }, suffix: null },
    });
    expect(route('sonnet-latest')).toMatchObject({
      upstreamModel: 'claude-sonnet-4-6',
      variant: null,
    });
  });

  it("serves every model under each switched-on suffix, through the base model's mapping", () => {
    expect(route('claude-sonnet-4-6-thinking')).toMatchObject({
      upstreamModel: 'claude-sonnet-4-6',
      variant: { overrides: null, suffix: '-thinking' },
    });
    expect(route('sonnet-latest-thinking')).toMatchObject({
      upstreamModel: 'claude-sonnet-4-6',
      variant: { overrides: null, suffix: '-thinking' },
    });
    // A suffix over a mapping entry's own variant keeps the entry's overrides.
    expect(route('claude-opus-4-6-thinking-high')).toMatchObject({
      upstreamModel: 'claude-opus-4-6',
      variant: { overrides: { thinking: { enabled: true } }, suffix: '-high' },
    });
  });

  it('keeps a name the channel serves explicitly as it is, and lists the variants', () => {
    expect(route('claude-sonnet-4-6-high')).toMatchObject({
      upstreamModel: 'claude-sonnet-4-6-high',
      variant: null,
    });
    expect(variants.models('default')).toEqual(
      expect.arrayContaining([
        'claude-sonnet-4-6-thinking',
        'claude-sonnet-4-6-high',
        'sonnet-latest-high',
      ]),
    );
    expect(variants.hasModel('claude-sonnet-4-6-low')).toBe(false);
  });
});
