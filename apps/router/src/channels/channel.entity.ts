import { ChannelHealth, ChannelType } from '@relaymesh/contracts';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export interface SealedHeader {
  sealed: string;
  hint: string;
}

/** An upstream provider account. `keysEncrypted` holds AES-256-GCM ciphertexts; `keyHints` the redacted forms. */
@Entity('channels')
export class Channel {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text' })
  type!: ChannelType;

  @Column({ type: 'text', nullable: true })
  baseUrl!: string | null;

  @Column({ type: 'jsonb' })
  keysEncrypted!: string[];

  @Column({ type: 'jsonb' })
  keyHints!: string[];

  @Column({ type: 'jsonb' })
  models!: string[];

  @Column({ type: 'jsonb' })
  modelMapping!: Record<string, string>;

  @Column({ type: 'jsonb' })
  groups!: string[];

  @Column({ type: 'integer' })
  priority!: number;

  @Column({ type: 'integer' })
  weight!: number;

  /** The operator's switch; false reads back as status `manually_disabled`. */
  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** Set from the health-prober's state (ejected or disabled); reads back as status `auto_disabled`. */
  @Column({ type: 'boolean', default: false })
  autoDisabled!: boolean;

  /** Share of `weight` while the channel ramps back in after an ejection (the health-prober's call). */
  @Column({ type: 'double precision', default: 1 })
  weightFactor!: number;

  @Column({ type: 'integer' })
  timeoutMs!: number;

  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  /** Headers whose values are secrets, each sealed (AES-256-GCM) with its redacted hint for read-back. */
  @Column({ type: 'jsonb', default: {} })
  secretHeaders!: Record<string, SealedHeader>;

  /** The health-prober's latest view, as published on channel.health.changed. */
  @Column({ type: 'jsonb', nullable: true })
  health!: ChannelHealth | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
