// Folds upstream outcomes (one per upstream attempt, from every ingress replica) into each channel's health.
// Outcomes arrive at request rate, so they are folded in memory and written and published in batches, once
// per flush interval, only for channels whose health changed.
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  ChannelHealth,
  ChannelHealthChanged,
  UNKNOWN_HEALTH,
  UpstreamOutcome,
} from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { HealthProberEnv } from '../config/health-prober.env';
import { ChannelHealthRepository } from './channel-health.repository';
import { foldOutcome } from './fold-outcome';

@Injectable()
export class OutcomesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OutcomesService.name);
  private readonly health = new Map<string, ChannelHealth>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly env: HealthProberEnv,
    private readonly repository: ChannelHealthRepository,
    private readonly bus: MessageBus,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.env.flushIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  async record(outcome: UpstreamOutcome): Promise<void> {
    const before =
      this.health.get(outcome.channel_id) ??
      (await this.repository.find(outcome.channel_id)) ??
      UNKNOWN_HEALTH;
    this.health.set(outcome.channel_id, foldOutcome(before, outcome));
    this.dirty.add(outcome.channel_id);
  }

  /** Writes and publishes what changed since the last flush; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.dirty.size === 0) return;
      const changed = [...this.dirty].map((id): [string, ChannelHealth] => [
        id,
        this.health.get(id)!,
      ]);
      this.dirty.clear();
      try {
        await this.repository.saveAll(changed);
      } catch (err) {
        changed.forEach(([id]) => this.dirty.add(id));
        this.logger.warn(`could not store channel health: ${(err as Error).message}`);
        return;
      }
      for (const [channelId, health] of changed) {
        this.bus.emit(ChannelHealthChanged, { channel_id: channelId, health });
      }
    });
    return this.flushing;
  }
}
