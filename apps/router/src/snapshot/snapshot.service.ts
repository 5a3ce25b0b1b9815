// Builds the versioned routing snapshot from the channel table and publishes it on every change, so ingress
// replicas route from memory (ARCHITECTURE rule 1). Rebuilds are serialised and coalesced: a burst of edits
// yields at most one rebuild in flight and one queued, and versions reach the wire in order.
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { RoutingSnapshot, RoutingSnapshotPublished } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { Subscription } from 'rxjs';
import { ChannelRepository } from '../channels/channel.repository';
import { toSnapshotChannel } from '../channels/channel-view';
import { ChannelsService } from '../channels/channels.service';
import { RouterEnv } from '../config/router.env';

const SNAPSHOT_HEARTBEAT_MS = 15_000;

@Injectable()
export class SnapshotService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SnapshotService.name);
  private current: RoutingSnapshot | null = null;
  private running: Promise<void> | null = null;
  private queued = false;
  private subscription: Subscription | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly channels: ChannelRepository,
    private readonly channelsService: ChannelsService,
    private readonly bus: MessageBus,
    private readonly env: RouterEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = this.channelsService.changed$.subscribe(() => void this.requestRebuild());
    await this.requestRebuild();
    // Snapshots are broadcast at most once (core NATS): a replica that missed the last one would route with a
    // stale table until the next change. Re-announcing the current version bounds that to one interval;
    // replicas ignore versions they already have.
    this.heartbeat = setInterval(() => {
      if (this.current) this.bus.emit(RoutingSnapshotPublished, this.current);
    }, SNAPSHOT_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  /** The newest snapshot this replica knows, built now if it has none yet. */
  async snapshot(): Promise<RoutingSnapshot> {
    if (!this.current) await this.requestRebuild();
    return this.current!;
  }

  /** A snapshot another router replica published: keep it if it is newer than ours. */
  adopt(snapshot: RoutingSnapshot): void {
    if (this.current && snapshot.version <= this.current.version) return;
    this.current = snapshot;
  }

  requestRebuild(): Promise<void> {
    if (this.running) {
      this.queued = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.queued = false;
          await this.rebuild();
        } while (this.queued);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async rebuild(): Promise<void> {
    try {
      const channels = await this.channels.findAll();
      const snapshot: RoutingSnapshot = {
        version: await this.channels.nextSnapshotVersion(),
        published_at: new Date().toISOString(),
        channels: channels.map((channel) => toSnapshotChannel(channel, this.env.variantSuffixes)),
      };
      this.adopt(snapshot);
      this.bus.emit(RoutingSnapshotPublished, snapshot);
      this.logger.log(
        `published routing snapshot v${snapshot.version} (${channels.length} channels)`,
      );
    } catch (err) {
      this.logger.error(`could not rebuild the routing snapshot: ${(err as Error).message}`);
    }
  }
}
