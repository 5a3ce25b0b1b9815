// The channels the prober may probe, learnt from the router's routing snapshot (asked for at start, then every
// broadcast), with their upstream keys opened. The prober owns no channel table: the snapshot is the source.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RoutingSnapshot, RoutingSnapshotGet, SnapshotChannel } from '@relaymesh/contracts';
import { SecretBox, openSnapshotChannel } from '@relaymesh/secrets';
import { MessageBus } from '@relaymesh/messaging';
import { Subject } from 'rxjs';
import { HealthProberEnv } from '../config/health-prober.env';
import { KnownChannel } from './known-channel';

const SNAPSHOT_RETRY_MS = 2_000;

@Injectable()
export class ChannelDirectory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChannelDirectory.name);
  private readonly secrets: SecretBox;
  private channels = new Map<string, KnownChannel>();
  private version: number | null = null;
  private retry: NodeJS.Timeout | null = null;
  /** Ids of known channels whose keys, base URL, models or mapping changed in a newer snapshot. */
  readonly edited$ = new Subject<string>();

  constructor(
    private readonly bus: MessageBus,
    env: HealthProberEnv,
  ) {
    this.secrets = new SecretBox(env.secretKey);
  }

  onApplicationBootstrap(): void {
    // Not awaited: the router may start after the prober; the prober works on outcomes meanwhile.
    void this.fetch();
  }

  onApplicationShutdown(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  get(id: string): KnownChannel | undefined {
    return this.channels.get(id);
  }

  all(): KnownChannel[] {
    return [...this.channels.values()];
  }

  /** Keeps a snapshot newer than the one held. */
  adopt(snapshot: RoutingSnapshot): void {
    if (this.version !== null && snapshot.version <= this.version) return;
    this.version = snapshot.version;
    const previous = this.channels;
    this.channels = new Map(
      snapshot.channels.map((channel): [string, KnownChannel] => [channel.id, this.open(channel)]),
    );
    for (const [id, channel] of this.channels) {
      const before = previous.get(id);
      if (before && probedDifferently(before, channel)) this.edited$.next(id);
    }
  }

  private open(channel: SnapshotChannel): KnownChannel {
    try {
      return openSnapshotChannel(channel, this.secrets);
    } catch {
      this.logger.error(
        `channel ${channel.name}: cannot decrypt its keys (is RELAYMESH_SECRET_KEY the same everywhere?)`,
      );
      // Still known (its outcomes are judged), but probed with no key: the probe fails as it should.
      const { keys_encrypted: _keys, secret_headers_encrypted: _headers, ...rest } = channel;
      return { ...rest, keys: [], secrets: [] };
    }
  }

  private async fetch(): Promise<void> {
    try {
      this.adopt(await this.bus.request(RoutingSnapshotGet, { have_version: this.version }));
    } catch (err) {
      if (this.version !== null) return;
      this.logger.warn(`no routing snapshot yet (${(err as Error).message}); asking again`);
      this.retry = setTimeout(() => void this.fetch(), SNAPSHOT_RETRY_MS);
      this.retry.unref();
    }
  }
}

/** Whether a probe of `after` would test something else than one of `before`. */
function probedDifferently(before: KnownChannel, after: KnownChannel): boolean {
  return (
    before.base_url !== after.base_url ||
    before.type !== after.type ||
    JSON.stringify([before.keys, before.models, before.model_mapping, before.headers]) !==
      JSON.stringify([after.keys, after.models, after.model_mapping, after.headers])
  );
}
