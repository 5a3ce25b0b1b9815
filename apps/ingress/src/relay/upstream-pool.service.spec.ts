import { IngressChannel, SnapshotStore } from '../routing-snapshot/snapshot-store.service';
import { UpstreamPools } from './upstream-pool.service';

describe('UpstreamPools', () => {
  let changed: (channels: readonly IngressChannel[]) => void = () => undefined;
  const store = {
    onChange: (listener: typeof changed) => (changed = listener),
  } as unknown as SnapshotStore;
  const channel = (id: string, base_url: string) => ({ id, base_url }) as IngressChannel;
  let pools: UpstreamPools;

  beforeEach(() => (pools = new UpstreamPools(store)));
  afterEach(() => pools.onApplicationShutdown());

  it('should split a base_url into the pool of its origin and its path prefix', () => {
    const target = pools.targetOf(channel('c1', 'http://127.0.0.1:9001/api/'));
    expect(target).toMatchObject({ origin: 'http://127.0.0.1:9001', pathPrefix: '/api' });
  });

  it('should keep one pool per channel while its base_url stays', () => {
    const first = pools.targetOf(channel('c1', 'http://127.0.0.1:9001'));
    expect(pools.targetOf(channel('c1', 'http://127.0.0.1:9001')).pool).toBe(first.pool);
    expect(pools.targetOf(channel('c2', 'http://127.0.0.1:9001')).pool).not.toBe(first.pool);
  });

  it('should follow a changed base_url: a new path prefix on the same connections, a new origin anew', () => {
    const first = pools.targetOf(channel('c1', 'http://127.0.0.1:9001/v1'));
    const moved = pools.targetOf(channel('c1', 'http://127.0.0.1:9001/api'));
    expect(moved).toMatchObject({ pathPrefix: '/api' });
    expect(moved.pool).toBe(first.pool);
    const elsewhere = pools.targetOf(channel('c1', 'http://127.0.0.1:9002/api'));
    expect(elsewhere.origin).toBe('http://127.0.0.1:9002');
    expect(elsewhere.pool).not.toBe(first.pool);
    expect(first.pool.closed).toBe(true);
  });

  it('should close the pool of a channel that left the snapshot', () => {
    const first = pools.targetOf(channel('c1', 'http://127.0.0.1:9001'));
    changed([]);
    expect(first.pool.closed).toBe(true);
    expect(pools.targetOf(channel('c1', 'http://127.0.0.1:9001')).pool).not.toBe(first.pool);
  });
});
