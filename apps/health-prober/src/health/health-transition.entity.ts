import { HealthState } from '@relaymesh/contracts';
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
}
