// The routing table this replica routes with, in memory: the hot path reads it with no round trip. It is
// composed of two facts with two owners (ARCHITECTURE rule 8): the router's configuration snapshot (fetched at
// start, retrying until the router answers, then replaced by every newer published version; keys and secret
// headers decrypted once per snapshot, never per request) and the health-prober's health, applied on top
// (every change as it is published, the whole table re-announced every interval and fetched at start). A health
// change neither waits for the router nor re-decrypts anything: it only marks the table for a rebuild, done on
// the next read, so a burst of changes costs one rebuild.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  ChannelHealthGet,
  ChannelHealthReport,
  ChannelHealthTable,
  RoutingSnapshot,
  RoutingSnapshotGet,
  SnapshotChannel,
} from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { HealthRouting, RoutingTable, healthRouting, withHealth } from '@relaymesh/routing';
import { OpenedChannel, SecretBox, openSnapshotChannel } from '@relaymesh/secrets';
import {
  markRoutingSnapshotConfirmed,
  readiness,
  routingSnapshotPublished,
  routingSnapshotVersion,
} from '@relaymesh/telemetry';

/** A channel as ingress calls it: the router's configuration, secrets opened, with the prober's health applied. */
export type IngressChannel = OpenedChannel & HealthRouting;

const RETRY_MS = 1_000;
/** The admin API's channel reads ask the prober for its live table, but do not wait long for it. */
const HEALTH_READ_TIMEOUT_MS = 2_000;

@Injectable()
export class SnapshotStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotStore.name);
  private configured: { version: number; channels: readonly OpenedChannel[] } | null = null;
  private readonly health = new Map<string, ChannelHealthReport>();
  /** A whole table arrived (answer or announcement): the start-up request need not be repeated. */
  private healthTableSeen = false;
  /** The composed table; null when the configuration or the health changed since it was built. */
  private built: RoutingTable<IngressChannel> | null = null;
  private retryTimers: NodeJS.Timeout[] = [];
  private readonly listeners: ((channels: readonly IngressChannel[]) => void)[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly secrets: SecretBox,
  ) {
    readiness.registerServing('ingress:routing-snapshot', () => this.configured !== null);
  }

  onApplicationBootstrap(): void {
    void this.fetch();
    void this.fetchHealth();
  }

  onApplicationShutdown(): void {
    this.retryTimers.forEach((timer) => clearTimeout(timer));
  }

  get table(): RoutingTable<IngressChannel> | null {
    if (!this.configured) return null;
    this.built ??= RoutingTable.build(this.composed());
    return this.built;
  }

  get version(): number | null {
    return this.configured?.version ?? null;
  }

  /** Called with the channel list of every adopted snapshot (the upstream pools follow it). */
  onChange(listener: (channels: readonly IngressChannel[]) => void): void {
    this.listeners.push(listener);
  }

  /** Keeps `snapshot` if it is newer than the one in use; older or equal versions are ignored. */
  adopt(snapshot: RoutingSnapshot): boolean {
    // The router's periodic re-announcement of the version in use says the table is still current.
    if (!this.configured || snapshot.version >= this.configured.version) {
      markRoutingSnapshotConfirmed();
    }
    if (this.configured && snapshot.version <= this.configured.version) return false;
    const channels = snapshot.channels.flatMap((channel) => this.unseal(channel));
    this.configured = { version: snapshot.version, channels };
    this.built = null;
    routingSnapshotVersion.set(snapshot.version);
    routingSnapshotPublished.set(Date.parse(snapshot.published_at) / 1000);
    const composed = this.composed();
    this.listeners.forEach((listener) => listener(composed));
    this.logger.log(`routing with snapshot v${snapshot.version} (${channels.length} channels)`);
    return true;
  }

  /** One channel's new health, as the prober published it. */
  applyHealth(report: ChannelHealthReport): void {
    const before = this.health.get(report.channel_id);
    this.health.set(report.channel_id, report);
    if (this.built && !this.sameRouting(report.channel_id, before, report)) this.built = null;
  }

  /** The prober's whole table (its periodic announcement, or its answer): what it does not list is unknown. */
  replaceHealth(table: ChannelHealthTable): void {
    this.health.clear();
    for (const report of table.channels) this.health.set(report.channel_id, report);
    this.healthTableSeen = true;
    this.built = null;
  }

  /**
   * The prober's health of every channel, for the admin API's reads: asked of the prober (its live table, which
   * also refreshes this replica's), or, when it does not answer, as this replica last heard it.
   */
  async currentHealth(): Promise<ReadonlyMap<string, ChannelHealthReport>> {
    try {
      this.replaceHealth(
        await this.bus.request(ChannelHealthGet, {}, { timeoutMs: HEALTH_READ_TIMEOUT_MS }),
      );
    } catch (err) {
      this.logger.warn(
        `health-prober did not answer (${(err as Error).message}); last known health`,
      );
    }
    return this.health;
  }

  /** Asks the router for the current snapshot, again and again until it answers. */
  async fetch(): Promise<void> {
    try {
      this.adopt(await this.bus.request(RoutingSnapshotGet, { have_version: this.version }));
    } catch (err) {
      if (!this.configured) {
        this.logger.warn(`no routing snapshot yet (${(err as Error).message}); retrying`);
        this.retryTimers.push(setTimeout(() => void this.fetch(), RETRY_MS));
      }
    }
  }

  /**
   * Asks the prober for its table at start, until it answers: routing does not wait for it (a channel with no
   * health yet is in rotation), and the prober's periodic announcement would bring it anyway.
   */
  async fetchHealth(): Promise<void> {
    try {
      this.replaceHealth(await this.bus.request(ChannelHealthGet, {}));
    } catch (err) {
      if (this.healthTableSeen) return;
      this.logger.warn(`no channel health yet (${(err as Error).message}); retrying`);
      this.retryTimers.push(setTimeout(() => void this.fetchHealth(), RETRY_MS));
    }
  }

  private composed(): IngressChannel[] {
    return (this.configured?.channels ?? []).map((channel) => withHealth(channel, this.health));
  }

  private sameRouting(
    channelId: string,
    before: ChannelHealthReport | undefined,
    after: ChannelHealthReport,
  ): boolean {
    const status = this.configured?.channels.find((c) => c.id === channelId)?.status ?? 'enabled';
    const [was, now] = [healthRouting(status, before), healthRouting(status, after)];
    return (
      was.status === now.status &&
      was.ejected === now.ejected &&
      was.weight_factor === now.weight_factor &&
      was.latency_ms === now.latency_ms
    );
  }

  private unseal(channel: SnapshotChannel): OpenedChannel[] {
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
