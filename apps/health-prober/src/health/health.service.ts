// Runs the health state machine of every channel: folds upstream outcomes (every replica receives every outcome,
// so each judges on all traffic, never on a queue group's share), feeds it time, and, on the leader only,
// probes due channels, publishes and persists. The prober owns health: its table is the only store, and it
// publishes straight to the ingress replicas, which apply it on top of the router's configuration. A
// transition is published at once (an ejection reaches ingress within a message hop) and stored with its
// history; latency and counter changes go out in batches; the whole table is re-announced every interval and
// answered on request, so a replica that missed a message is right again within one interval.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  AdminError,
  ChannelHealthAnnounced,
  ChannelHealthChanged,
  ChannelHealthReport,
  ChannelHealthTable,
  ChannelTestResult,
  HealthStateSchema,
  UpstreamOutcome,
} from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { redactSecrets } from '@relaymesh/protocols';
import { withHealth } from '@relaymesh/routing';
import {
  healthChannelState,
  healthEjections,
  healthModelChannels,
  healthTransitions,
} from '@relaymesh/telemetry';
import { Subscription } from 'rxjs';
import { ChannelDirectory } from '../channels/channel-directory.service';
import { KnownChannel } from '../channels/known-channel';
import { HealthProberEnv } from '../config/health-prober.env';
import { LeaderElection } from '../leadership/leader-election.service';
import { Prober } from '../probes/prober.service';
import {
  HealthEvent,
  INITIAL_STATE,
  MachineState,
  Step,
  probeDue,
  probeSoon,
  step,
  weightFactor,
} from './health-state-machine';
import { HealthRepository, StoredTransition } from './health.repository';
import { modelChannelCounts } from './model-channels';

@Injectable()
export class HealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HealthService.name);
  private readonly machines = new Map<string, MachineState>();
  private readonly unsaved = new Set<string>();
  private readonly unpublished = new Set<string>();
  private transitions: StoredTransition[] = [];
  private readonly probing = new Set<string>();
  /** True while this replica leads and has loaded the stored states. */
  private active = false;
  private timers: NodeJS.Timeout[] = [];
  private writes: Promise<void> = Promise.resolve();
  private subscriptions: Subscription[] = [];
  private takingOver: Promise<void> | null = null;

  constructor(
    private readonly env: HealthProberEnv,
    private readonly repository: HealthRepository,
    private readonly bus: MessageBus,
    private readonly directory: ChannelDirectory,
    private readonly prober: Prober,
    private readonly leader: LeaderElection,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscriptions = [
      this.leader.changes$.subscribe((leading) => {
        if (leading) void this.takeOver();
        else this.stepDown();
      }),
      this.directory.edited$.subscribe((id) => {
        const state = this.machines.get(id);
        if (state) this.machines.set(id, probeSoon(state, Date.now()));
      }),
    ];
    if (this.leader.isLeader) await this.takeOver();
    this.timers = [
      setInterval(() => this.tick(), this.env.tickIntervalMs),
      setInterval(() => void this.flush(), this.env.flushIntervalMs),
      setInterval(() => this.announce(), this.env.announceIntervalMs),
    ];
    this.timers.forEach((timer) => timer.unref());
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriptions.forEach((subscription) => subscription.unsubscribe());
    this.timers.forEach((timer) => clearInterval(timer));
    await this.flush();
  }

  onOutcome(outcome: UpstreamOutcome): void {
    // Ingress redacts before it publishes; redacted again here, where health is stored, so a replica that
    // did not (an older version) cannot put a channel's key into its health record.
    const secrets = this.directory.get(outcome.channel_id)?.secrets ?? [];
    this.apply(outcome.channel_id, {
      kind: 'outcome',
      errorClass: outcome.error_class,
      status: outcome.status,
      latencyMs: outcome.latency_ms,
      message: outcome.message === null ? null : redactSecrets(outcome.message, secrets),
    });
  }

  /** The admin test: probe now, fold the result like any probe, answer with it. */
  async test(channelId: string): Promise<ChannelTestResult> {
    const channel = this.directory.get(channelId);
    if (!channel) throw new AdminError(404, `channel ${channelId} not found`);
    const result = await this.prober.probe(channel);
    const { state } = this.apply(channel.id, { kind: 'probe', ...result });
    return {
      ok: result.errorClass === 'none',
      status: result.status,
      latency_ms: result.latencyMs,
      error_class: result.errorClass,
      message: result.message,
      model: result.model,
      health: state.health,
    };
  }

  /**
   * The whole table, for a replica that asks (at its start, or the admin API reading channels back): the
   * leader's live view; a follower's own fold never saw the leader's probes, so it answers from the store.
   */
  async table(): Promise<ChannelHealthTable> {
    if (this.active) return { channels: [...this.machines.keys()].map((id) => this.reportOf(id)) };
    const stored = await this.repository.loadAll();
    return {
      channels: [...stored].map(([id, state]) => ({
        channel_id: id,
        health: state.health,
        weight_factor: weightFactor(state, this.env.policy),
      })),
    };
  }

  /** The state of one channel as this replica sees it (tests and diagnostics). */
  stateOf(channelId: string): MachineState | undefined {
    return this.machines.get(channelId);
  }

  /** Feeds time to every machine; the leader then probes the channels whose probe is due. */
  tick(): void {
    const now = Date.now();
    for (const id of [...this.machines.keys()]) this.apply(id, { kind: 'tick' }, now);
    if (!this.active) return;
    this.countRoutable();
    for (const [id, state] of this.machines) {
      if (!probeDue(state, now) || this.probing.has(id)) continue;
      const channel = this.directory.get(id);
      // A manually disabled channel is the operator's call: never probed, never re-enabled from here.
      if (!channel || channel.status === 'manually_disabled') continue;
      void this.probe(channel);
    }
  }

  /** Stores what changed and publishes the batched changes; writes never overlap. */
  flush(): Promise<void> {
    this.writes = this.writes.then(async () => {
      if (!this.active) return;
      for (const id of this.unpublished) this.publish(id);
      this.unpublished.clear();
      const ids = [...this.unsaved];
      const transitions = this.transitions;
      this.unsaved.clear();
      this.transitions = [];
      if (ids.length === 0 && transitions.length === 0) return;
      try {
        await this.repository.save(ids.map((id) => [id, this.machines.get(id)!]));
        await this.repository.addTransitions(transitions);
      } catch (err) {
        ids.forEach((id) => this.unsaved.add(id));
        this.transitions = [...transitions, ...this.transitions];
        this.logger.warn(`could not store channel health: ${(err as Error).message}`);
      }
    });
    return this.writes;
  }

  private async probe(channel: KnownChannel): Promise<void> {
    this.probing.add(channel.id);
    try {
      const result = await this.prober.probe(channel);
      if (this.active) this.apply(channel.id, { kind: 'probe', ...result });
    } finally {
      this.probing.delete(channel.id);
    }
  }

  private apply(channelId: string, event: HealthEvent, now = Date.now()): Step {
    const before = this.machines.get(channelId) ?? INITIAL_STATE;
    const result = step(before, event, now, this.env.policy, Math.random);
    this.machines.set(channelId, result.state);
    if (!this.active || !result.changed) return result;
    this.unsaved.add(channelId);
    const transition = result.transition;
    if (!transition) {
      this.unpublished.add(channelId);
      return result;
    }
    const name = this.nameOf(channelId);
    this.logger.log(
      `channel ${name}: ${transition.from} → ${transition.to} (${transition.reason})`,
    );
    healthTransitions.inc({ from: transition.from, to: transition.to });
    if (transition.cause) healthEjections.inc({ channel: name, reason: transition.cause });
    this.setStateGauge(name, result.state);
    this.transitions.push({
      channelId,
      at: new Date(now),
      from: transition.from,
      to: transition.to,
      reason: transition.reason,
      lastError: transition.lastError,
      errorClass: event.kind === 'tick' ? null : event.errorClass,
      cause: transition.cause,
      consecutiveFailures: result.state.health.consecutive_failures,
      ejections: result.state.ejections,
    });
    this.unpublished.delete(channelId);
    this.publish(channelId);
    void this.flush();
    return result;
  }

  private publish(channelId: string): void {
    if (this.machines.has(channelId)) this.bus.emit(ChannelHealthChanged, this.reportOf(channelId));
  }

  /** The leader re-announces its whole table: the heartbeat that heals a missed change. */
  private announce(): void {
    if (!this.active) return;
    this.bus.emit(ChannelHealthAnnounced, {
      channels: [...this.machines.keys()].map((id) => this.reportOf(id)),
    });
  }

  private reportOf(channelId: string): ChannelHealthReport {
    const state = this.machines.get(channelId) ?? INITIAL_STATE;
    return {
      channel_id: channelId,
      health: state.health,
      weight_factor: weightFactor(state, this.env.policy),
    };
  }

  /** How many channels of each model can serve, as ingress routes them (the "unroutable model" alert). */
  private countRoutable(): void {
    const reports = new Map([...this.machines.keys()].map((id) => [id, this.reportOf(id)]));
    healthModelChannels.reset();
    for (const { group, model, rotation, channels } of modelChannelCounts(
      this.directory.all().map((channel) => withHealth(channel, reports)),
    )) {
      healthModelChannels.set({ group, model, rotation }, channels);
    }
  }

  /**
   * Becoming the leader: the stored states are authoritative for the decisions (state, ejection count, probe
   * schedule, ramp: the old leader's probes moved them, which followers never see); the warm in-memory fold
   * keeps the traffic figures (window, consecutive failures, latency). Then the whole table is announced, so
   * every ingress replica agrees with the new leader from the start.
   */
  private takeOver(): Promise<void> {
    if (this.active) return Promise.resolve();
    this.takingOver ??= this.loadAndLead().finally(() => {
      this.takingOver = null;
    });
    return this.takingOver;
  }

  private async loadAndLead(): Promise<void> {
    let stored: Map<string, MachineState>;
    try {
      stored = await this.repository.loadAll();
    } catch (err) {
      this.logger.error(`cannot load channel health to lead: ${(err as Error).message}`);
      return;
    }
    if (!this.leader.isLeader) return;
    for (const [id, persisted] of stored) {
      const warm = this.machines.get(id);
      this.machines.set(
        id,
        warm
          ? {
              ...persisted,
              window: warm.window,
              health: {
                ...persisted.health,
                consecutive_failures: warm.health.consecutive_failures,
                latency_ms: warm.health.latency_ms ?? persisted.health.latency_ms,
              },
            }
          : persisted,
      );
    }
    this.active = true;
    for (const [id, state] of this.machines) this.setStateGauge(this.nameOf(id), state);
    this.announce();
    await this.flush();
  }

  private stepDown(): void {
    this.active = false;
    healthChannelState.reset();
    healthModelChannels.reset();
  }

  private setStateGauge(channel: string, state: MachineState): void {
    for (const candidate of HealthStateSchema.options) {
      healthChannelState.set(
        { channel, state: candidate },
        candidate === state.health.state ? 1 : 0,
      );
    }
  }

  private nameOf(channelId: string): string {
    return this.directory.get(channelId)?.name ?? channelId;
  }
}
