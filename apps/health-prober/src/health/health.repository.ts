// Storage of the machines' states and their transition history, behind a small abstract class. The history is
// bounded per channel: storing transitions prunes each of their channels to its newest `transitionsPerChannel`.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ChannelHealth, ErrorClass, HealthState } from '@relaymesh/contracts';
import { quoteIdent } from '@relaymesh/persistence';
import { DataSource, Repository } from 'typeorm';
import { HealthProberEnv } from '../config/health-prober.env';
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
  /** The class of the call that moved the channel; null when time did. */
  errorClass: ErrorClass | null;
  /** The ejection cause when it left rotation. */
  cause: string | null;
  consecutiveFailures: number | null;
  ejections: number | null;
}

export abstract class HealthRepository {
  abstract loadAll(): Promise<Map<string, MachineState>>;
  abstract save(states: [channelId: string, state: MachineState][]): Promise<void>;
  abstract addTransitions(transitions: StoredTransition[]): Promise<void>;
  /** Newest first. */
  abstract transitions(channelId: string, limit: number): Promise<StoredTransition[]>;
  /** Newest first, every channel's. */
  abstract latestTransitions(limit: number): Promise<StoredTransition[]>;
}

@Injectable()
export class TypeOrmHealthRepository extends HealthRepository {
  private readonly records: Repository<ChannelHealthRecord>;
  private readonly history: Repository<HealthTransitionRecord>;
  private readonly historyTable: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly env: HealthProberEnv,
  ) {
    super();
    this.records = dataSource.getRepository(ChannelHealthRecord);
    this.history = dataSource.getRepository(HealthTransitionRecord);
    const schema = quoteIdent((dataSource.options as { schema?: string }).schema ?? 'public');
    this.historyTable = `${schema}.channel_health_transitions`;
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
    const channelIds = [...new Set(transitions.map((t) => t.channelId))];
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(HealthTransitionRecord).insert(
        transitions.map((t) => ({
          channelId: t.channelId,
          at: t.at,
          fromState: t.from,
          toState: t.to,
          reason: t.reason,
          lastError: t.lastError,
          errorClass: t.errorClass,
          cause: t.cause,
          consecutiveFailures: t.consecutiveFailures,
          ejections: t.ejections,
        })),
      );
      // Per channel, everything past its newest N (the order the history is read in) goes.
      await manager.query(
        `DELETE FROM ${this.historyTable} WHERE id IN (
           SELECT id FROM (
             SELECT id, row_number() OVER (PARTITION BY channel_id ORDER BY at DESC, id DESC) AS newest
             FROM ${this.historyTable} WHERE channel_id = ANY($1::text[])
           ) AS ranked
           WHERE newest > $2)`,
        [channelIds, this.env.transitionsPerChannel],
      );
    });
  }

  async transitions(channelId: string, limit: number): Promise<StoredTransition[]> {
    const rows = await this.history.find({
      where: { channelId },
      order: { at: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map(storedTransition);
  }

  async latestTransitions(limit: number): Promise<StoredTransition[]> {
    // No index of its own: the table is bounded (transitionsPerChannel per channel), so this sorts at most
    // channels × that many rows.
    const rows = await this.history.find({ order: { at: 'DESC', id: 'DESC' }, take: limit });
    return rows.map(storedTransition);
  }
}

function storedTransition(row: HealthTransitionRecord): StoredTransition {
  return {
    channelId: row.channelId,
    at: row.at,
    from: row.fromState,
    to: row.toState,
    reason: row.reason,
    lastError: row.lastError,
    errorClass: row.errorClass,
    cause: row.cause,
    consecutiveFailures: row.consecutiveFailures,
    ejections: row.ejections,
  };
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
