import {
  ChannelHealth,
  ChannelHealthReport,
  RoutingSnapshot,
  SnapshotChannel,
  UNKNOWN_HEALTH,
} from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { SecretBox } from '@relaymesh/secrets';
import { SnapshotStore } from './snapshot-store.service';

const box = new SecretBox(SecretBox.generateSecret());

const channel = (id: string, over: Partial<SnapshotChannel> = {}): SnapshotChannel => ({
  id,
  name: id,
  type: 'openai',
  base_url: 'http://127.0.0.1:9',
  keys_encrypted: [box.encrypt(`sk-${id}`)],
  models: ['m'],
  model_mapping: {},
  variant_suffixes: [],
  body_override: {},
  groups: ['default'],
  priority: 0,
  weight: 1,
  status: 'enabled',
  timeout_ms: 1_000,
  headers: {},
  secret_headers_encrypted: {},
  ...over,
});

const snapshot = (version: number, channels: SnapshotChannel[]): RoutingSnapshot => ({
  version,
  published_at: new Date(0).toISOString(),
  channels,
});

const report = (
  channelId: string,
  state: ChannelHealth['state'],
  weight_factor = 1,
  latency_ms: number | null = null,
): ChannelHealthReport => ({
  channel_id: channelId,
  health: { ...UNKNOWN_HEALTH, state, latency_ms },
  weight_factor,
});

/** The channel ids in rotation for `m`, and those only the panic threshold may use. */
function rotation(store: SnapshotStore) {
  const lookup = store.table!.tiers('default', 'm');
  if (!lookup.known) throw new Error('m unknown');
  const tier = lookup.tiers[0];
  if (tier === undefined) return { in: [], ejected: [] };
  return {
    in: tier.routes.map((r) => r.channel.id),
    ejected: tier.withEjected.filter((r) => !tier.routes.includes(r)).map((r) => r.channel.id),
  };
}

describe('SnapshotStore: the router’s configuration with the prober’s health on top', () => {
  let store: SnapshotStore;
  let decrypt: jest.SpyInstance;

  beforeEach(() => {
    store = new SnapshotStore({} as MessageBus, box);
    decrypt = jest.spyOn(box, 'decrypt');
    store.adopt(snapshot(1, [channel('a'), channel('b'), channel('c')]));
  });

  afterEach(() => decrypt.mockRestore());

  it('should take an ejected channel out of rotation at once, without a new snapshot or any decryption', () => {
    expect(rotation(store)).toEqual({ in: ['a', 'b', 'c'], ejected: [] });
    const decryptedForSnapshot = decrypt.mock.calls.length;

    store.applyHealth(report('a', 'ejected'));

    expect(rotation(store)).toEqual({ in: ['b', 'c'], ejected: ['a'] });
    expect(store.table!.channel('a')).toMatchObject({ status: 'auto_disabled', ejected: true });
    expect(store.version).toBe(1);
    expect(decrypt.mock.calls.length).toBe(decryptedForSnapshot);
  });

  it('should carry a ramping channel’s weight share and its latency to routing', () => {
    store.applyHealth(report('b', 'recovering', 0.25, 40));

    expect(store.table!.channel('b')).toMatchObject({
      status: 'enabled',
      weight_factor: 0.25,
      latency_ms: 40,
    });
  });

  it('should keep health across a new configuration snapshot, and the operator’s switch over it', () => {
    store.applyHealth(report('a', 'disabled'));
    store.adopt(snapshot(2, [channel('a'), channel('b', { status: 'manually_disabled' })]));

    expect(store.table!.channel('a')).toMatchObject({ status: 'auto_disabled', ejected: false });
    expect(store.table!.channel('b')).toMatchObject({ status: 'manually_disabled' });
    expect(rotation(store)).toEqual({ in: [], ejected: [] });
  });

  it('should replace its whole view with an announced table: a change it missed is healed', () => {
    store.applyHealth(report('a', 'ejected'));
    // The re-admission of `a` was missed; the prober's next announcement has it healthy, `c` ejected.
    store.replaceHealth({ channels: [report('a', 'healthy'), report('c', 'ejected')] });

    expect(rotation(store)).toEqual({ in: ['a', 'b'], ejected: ['c'] });
  });

  it('should rebuild the table only when routing changes, not on every counter', () => {
    store.applyHealth(report('a', 'degraded'));
    const table = store.table;
    store.applyHealth({
      ...report('a', 'degraded'),
      health: { ...UNKNOWN_HEALTH, state: 'degraded', consecutive_failures: 3 },
    });

    expect(store.table).toBe(table);
    store.applyHealth(report('a', 'ejected'));
    expect(store.table).not.toBe(table);
  });
});

describe('SnapshotStore.currentHealth: the admin API’s channel reads', () => {
  it('should take the prober’s live table when it answers, and route by it too', async () => {
    const bus = { request: jest.fn().mockResolvedValue({ channels: [report('a', 'ejected')] }) };
    const store = new SnapshotStore(bus as unknown as MessageBus, box);
    store.adopt(snapshot(1, [channel('a'), channel('b')]));

    const health = await store.currentHealth();

    expect(health.get('a')?.health.state).toBe('ejected');
    expect(rotation(store)).toEqual({ in: ['b'], ejected: ['a'] });
  });

  it('should fall back to the health it last heard when the prober does not answer', async () => {
    const bus = { request: jest.fn().mockRejectedValue(new Error('timeout')) };
    const store = new SnapshotStore(bus as unknown as MessageBus, box);
    store.applyHealth(report('a', 'disabled'));

    expect((await store.currentHealth()).get('a')?.health.state).toBe('disabled');
  });
});
