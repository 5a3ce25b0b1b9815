// One keep-alive undici Pool per channel: connections are reused across requests (no TCP/TLS handshake per
// call), and a channel's pool is closed when the channel leaves the snapshot or changes its base_url. The
// base_url is split into origin and path prefix once per pool, not per attempt (a URL parse per request was
// ~1% of ingress CPU in `npm run bench -- --cpu-prof`).
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { splitBaseUrl } from '@relaymesh/contracts';
import { Pool } from 'undici';
import { IngressChannel, SnapshotStore } from '../routing-snapshot/snapshot-store.service';

// HTTP/1.1 only: undici 8 would negotiate HTTP/2 with TLS upstreams that offer it (allowH2 defaults to true),
// which turns `connections` from a bound on concurrent requests into a bound on sessions and changes which
// relayed headers are legal. Moving upstream calls to HTTP/2 is a decision of its own, with its own tests.
const POOL_OPTIONS = {
  connections: 256,
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 600_000,
  allowH2: false,
};

/** Where a channel's requests go: its origin's pool, and the path prefix of its base_url (OpenRouter's `/api`). */
export interface UpstreamTarget {
  readonly origin: string;
  readonly pathPrefix: string;
  readonly pool: Pool;
}

@Injectable()
export class UpstreamPools implements OnApplicationShutdown {
  private readonly pools = new Map<string, UpstreamTarget & { baseUrl: string }>();

  constructor(store: SnapshotStore) {
    store.onChange((channels) => this.retainOnly(channels));
  }

  /** The pool for a channel's origin (its base_url without the path prefix), created on first use. */
  targetOf(channel: IngressChannel): UpstreamTarget {
    const baseUrl = channel.base_url!;
    const existing = this.pools.get(channel.id);
    if (existing && existing.baseUrl === baseUrl) return existing;
    const { origin, pathPrefix } = splitBaseUrl(baseUrl);
    if (existing && existing.origin === origin) {
      // Only the path prefix moved: the connections stay.
      const moved = { ...existing, baseUrl, pathPrefix };
      this.pools.set(channel.id, moved);
      return moved;
    }
    if (existing) void existing.pool.close();
    const target = { baseUrl, origin, pathPrefix, pool: new Pool(origin, POOL_OPTIONS) };
    this.pools.set(channel.id, target);
    return target;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.pools.values()].map(({ pool }) => pool.close()));
    this.pools.clear();
  }

  private retainOnly(channels: readonly IngressChannel[]): void {
    const wanted = new Map(
      channels.map((c) => [c.id, c.base_url === null ? null : splitBaseUrl(c.base_url).origin]),
    );
    for (const [id, { origin, pool }] of this.pools) {
      if (wanted.get(id) !== origin) {
        // In-flight requests finish; close() waits for them.
        void pool.close();
        this.pools.delete(id);
      }
    }
  }
}
