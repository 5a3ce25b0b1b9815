import {
  BodyOverride,
  ChannelType,
  HostedToolPolicy,
  ModelMappingEntry,
  ModelVariantSuffix,
} from '@relaymesh/contracts';
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

/** An upstream provider account, as the operator configured it (its health is the health-prober's). `keysEncrypted` holds AES-256-GCM ciphertexts; `keyHints` the redacted forms. */
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
  modelMapping!: Record<string, ModelMappingEntry>;

  /** Standard suffixes switched on: every model is served as `<model><suffix>` too (a variant). */
  @Column({ type: 'jsonb', default: [] })
  variantSuffixes!: ModelVariantSuffix[];

  /** Body fields set on or removed from every generation request sent to the channel. */
  @Column({ type: 'jsonb', default: {} })
  bodyOverride!: BodyOverride;

  @Column({ type: 'jsonb' })
  groups!: string[];

  @Column({ type: 'integer' })
  priority!: number;

  @Column({ type: 'integer' })
  weight!: number;

  /** The operator's switch; false reads back as status `manually_disabled`. */
  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'integer' })
  timeoutMs!: number;

  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  /** Headers whose values are secrets, each sealed (AES-256-GCM) with its redacted hint for read-back. */
  @Column({ type: 'jsonb', default: {} })
  secretHeaders!: Record<string, SealedHeader>;

  /** An `openai-compatible` server that serves `/v1/responses`: Responses clients are passed through to it. */
  @Column({ type: 'boolean', default: false })
  responsesApi!: boolean;

  /** Hosted tools this channel's provider cannot run: `drop` (said in a header and the usage) or `refuse`. */
  @Column({ type: 'text', default: 'drop' })
  hostedTools!: HostedToolPolicy;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
