import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ChannelHealth } from '@relaymesh/contracts';
import { DataSource, Repository } from 'typeorm';
import { ChannelHealthRecord } from './channel-health.entity';

export abstract class ChannelHealthRepository {
  abstract find(channelId: string): Promise<ChannelHealth | null>;
  abstract saveAll(entries: [channelId: string, health: ChannelHealth][]): Promise<void>;
}

@Injectable()
export class TypeOrmChannelHealthRepository extends ChannelHealthRepository {
  private readonly records: Repository<ChannelHealthRecord>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    super();
    this.records = dataSource.getRepository(ChannelHealthRecord);
  }

  async find(channelId: string): Promise<ChannelHealth | null> {
    const record = await this.records.findOneBy({ channelId });
    if (!record) return null;
    return {
      state: record.state,
      last_error: record.lastError,
      last_checked_at: record.lastCheckedAt?.toISOString() ?? null,
      consecutive_failures: record.consecutiveFailures,
      latency_ms: record.latencyMs,
      disabled_at: record.disabledAt?.toISOString() ?? null,
      reason: record.reason,
    };
  }

  async saveAll(entries: [string, ChannelHealth][]): Promise<void> {
    if (entries.length === 0) return;
    await this.records.upsert(
      entries.map(([channelId, h]) => ({
        channelId,
        state: h.state,
        lastError: h.last_error,
        lastCheckedAt: h.last_checked_at ? new Date(h.last_checked_at) : null,
        consecutiveFailures: h.consecutive_failures,
        latencyMs: h.latency_ms,
        disabledAt: h.disabled_at ? new Date(h.disabled_at) : null,
        reason: h.reason,
      })),
      ['channelId'],
    );
  }
}
