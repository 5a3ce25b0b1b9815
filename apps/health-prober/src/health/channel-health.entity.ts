import { HealthState } from '@relaymesh/contracts';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { MachineState } from './health-state-machine';

/** The state machine's state of one channel: its health as the contract shows it, and the rest as JSON. */
@Entity('channel_health')
export class ChannelHealthRecord {
  @PrimaryColumn({ type: 'text' })
  channelId!: string;

  @Column({ type: 'text' })
  state!: HealthState;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastCheckedAt!: Date | null;

  @Column({ type: 'integer' })
  consecutiveFailures!: number;

  @Column({ type: 'double precision', nullable: true })
  latencyMs!: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** Ejection count, window, probe schedule and ramp: what a new leader needs to carry on. */
  @Column({ type: 'jsonb', nullable: true })
  machine!: Omit<MachineState, 'health'> | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
