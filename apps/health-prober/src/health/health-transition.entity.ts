import { ErrorClass, HealthState } from '@relaymesh/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One change of a channel's health state: the history an operator reads to see why a channel was out. */
@Entity('channel_health_transitions')
export class HealthTransitionRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  channelId!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  fromState!: HealthState;

  @Column({ type: 'text' })
  toState!: HealthState;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  /** The class of the call that moved the channel; null when time did (and on rows stored before). */
  @Column({ type: 'text', nullable: true })
  errorClass!: ErrorClass | null;

  /** The ejection cause when it left rotation. */
  @Column({ type: 'text', nullable: true })
  cause!: string | null;

  @Column({ type: 'integer', nullable: true })
  consecutiveFailures!: number | null;

  @Column({ type: 'integer', nullable: true })
  ejections!: number | null;
}
