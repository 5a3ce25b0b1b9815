// Storage of the machines' states and their transition history, behind a small abstract class.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ChannelHealth, HealthState } from '@relaymesh/contracts';
import { DataSource, Repository } from 'typeorm';
import { ChannelHealthRecord } from './channel-health.entity';
import { INITIAL_STATE, MachineState } from './health-state-machine';
import { HealthTransitionRecord } from './health-transition.entity';

export interface StoredTransition {
  channelId: string;
  at: Date;
  from: HealthState;
  to: HealthState;
  reason: string;
  lastError: string | null;
}

export abstract class HealthRepository {
  abstract loadAll(): Promise<Map<string, MachineState>>;
  abstract save(states: [channelId: string, state: MachineState][]): Promise<void>;
  abstract addTransitions(transitions: StoredTransition[]): Promise<void>;
  /** Newest first. */
  abstract transitions(channelId: string, limit: number): Promise<StoredTransition[]>;
}

@Injectable()
export class TypeOrmHealthRepository extends HealthRepository {
  private readonly records: Repository<ChannelHealthRecord>;
  private readonly history: Repository<HealthTransitionRecord>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    super();
    this.records = dataSource.getRepository(ChannelHealthRecord);
    this.history = dataSource.getRepository(HealthTransitionRecord);
  }

  async loadAll(): Promise<Map<string, MachineState>> {
    const rows = await this.records.find();
    return new Map(rows.map((row) => [row.channelId, toState(row)]));
  }

  async save(states: [string, MachineState][]): Promise<void> {
    if (states.length === 0) return;
    await this.records.upsert(
      states.map(([channelId, { health: h, ...machine }]) => ({
        channelId,
        state: h.state,
        lastError: h.last_error,
        lastCheckedAt: h.last_checked_at ? new Date(h.last_checked_at) : null,
        consecutiveFailures: h.consecutive_failures,
        latencyMs: h.latency_ms,
        disabledAt: h.disabled_at ? new Date(h.disabled_at) : null,
        reason: h.reason,
        machine,
      })),
      ['channelId'],
    );
  }

  async addTransitions(transitions: StoredTransition[]): Promise<void> {
    if (transitions.length === 0) return;
    await this.history.insert(
      transitions.map((t) => ({
        channelId: t.channelId,
        at: t.at,
        fromState: t.from,
        toState: t.to,
        reason: t.reason,
        lastError: t.lastError,
      })),
    );
  }

  async transitions(channelId: string, limit: number): Promise<StoredTransition[]> {
    const rows = await this.history.find({
      where: { channelId },
      order: { at: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map((row) => ({
      channelId: row.channelId,
      at: row.at,
      from: row.fromState,
      to: row.toState,
      reason: row.reason,
      lastError: row.lastError,
    }));
  }
}

function toState(row: ChannelHealthRecord): MachineState {
  const health: ChannelHealth = {
    state: row.state,
    last_error: row.lastError,
    last_checked_at: row.lastCheckedAt?.toISOString() ?? null,
    consecutive_failures: row.consecutiveFailures,
    latency_ms: row.latencyMs,
    disabled_at: row.disabledAt?.toISOString() ?? null,
    reason: row.reason,
  };
  // Rows written before the machine existed have no machine part: it starts fresh from their health.
  return { ...INITIAL_STATE, ...(row.machine ?? {}), health };
}
