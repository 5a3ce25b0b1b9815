// The routing snapshot this replica routes with, in memory: the hot path reads it with no round trip.
// Fetched from the router at start (retrying until the router answers), then replaced by every newer
// published version. Upstream keys and secret headers are decrypted once per snapshot, not per request.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RoutingSnapshot, RoutingSnapshotGet, SnapshotChannel } from '@relaymesh/contracts';
import { OpenedChannel, SecretBox, openSnapshotChannel } from '@relaymesh/secrets';
import { MessageBus } from '@relaymesh/messaging';
import { RoutingTable } from '@relaymesh/routing';
import {
  markRoutingSnapshotConfirmed,
  readiness,
  routingSnapshotPublished,
  routingSnapshotVersion,
} from '@relaymesh/telemetry';

export type IngressChannel = OpenedChannel;

const RETRY_MS = 1_000;

@Injectable()
export class SnapshotStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotStore.name);
  private current: { version: number; table: RoutingTable<IngressChannel> } | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly listeners: ((channels: readonly IngressChannel[]) => void)[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly secrets: SecretBox,
  ) {
    readiness.registerServing('ingress:routing-snapshot', () => this.current !== null);
  }

  onApplicationBootstrap(): void {
    void this.fetch();
  }

  onApplicationShutdown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  get table(): RoutingTable<IngressChannel> | null {
    return this.current?.table ?? null;
  }

  get version(): number | null {
    return this.current?.version ?? null;
  }

  /** Called with the channel list of every adopted snapshot (the upstream pools follow it). */
  onChange(listener: (channels: readonly IngressChannel[]) => void): void {
    this.listeners.push(listener);
  }

  /** Keeps `snapshot` if it is newer than the one in use; older or equal versions are ignored. */
  adopt(snapshot: RoutingSnapshot): boolean {
    // The router's periodic re-announcement of the version in use says the table is still current.
    if (!this.current || snapshot.version >= this.current.version) markRoutingSnapshotConfirmed();
    if (this.current && snapshot.version <= this.current.version) return false;
    const channels = snapshot.channels.flatMap((channel) => this.unseal(channel));
    this.current = { version: snapshot.version, table: RoutingTable.build(channels) };
    routingSnapshotVersion.set(snapshot.version);
    routingSnapshotPublished.set(Date.parse(snapshot.published_at) / 1000);
    this.listeners.forEach((listener) => listener(channels));
    this.logger.log(`routing with snapshot v${snapshot.version} (${channels.length} channels)`);
    return true;
  }

  /** Asks the router for the current snapshot, again and again until it answers. */
  async fetch(): Promise<void> {
    try {
      this.adopt(await this.bus.request(RoutingSnapshotGet, { have_version: this.version }));
    } catch (err) {
      if (!this.current) {
        this.logger.warn(`no routing snapshot yet (${(err as Error).message}); retrying`);
        this.retryTimer = setTimeout(() => void this.fetch(), RETRY_MS);
      }
    }
  }

  private unseal(channel: SnapshotChannel): IngressChannel[] {
    try {
      return [openSnapshotChannel(channel, this.secrets)];
    } catch {
      // A key sealed with another RELAYMESH_SECRET_KEY: the channel cannot be called from this replica.
      this.logger.error(
        `channel ${channel.name}: cannot decrypt its keys (is RELAYMESH_SECRET_KEY the same everywhere?)`,
      );
      return [];
    }
  }
}
