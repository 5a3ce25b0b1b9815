import { HealthState } from '@relaymesh/contracts';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The prober's current view of one channel (the state machine's state lives here from the self-healing issue). */
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

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
