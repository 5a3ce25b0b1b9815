import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { BudgetPeriod } from './budget-period';

/** numeric columns come back from pg as strings; money is kept exact in the database, a number in JS. */
const usd = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? 0 : Number(value)),
};

const nullableUsd = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A client API key. Only its SHA-256 is stored: the key itself is shown once, at creation. */
@Entity('client_keys')
export class ClientKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text', unique: true })
  keyHash!: string;

  @Column({ type: 'text' })
  keyHint!: string;

  @Column({ type: 'text' })
  group!: string;

  @Column({ type: 'boolean' })
  unlimited!: boolean;

  @Column({ type: 'numeric', precision: 20, scale: 10, transformer: usd })
  creditUsd!: number;

  @Column({ type: 'numeric', precision: 20, scale: 10, transformer: usd, default: 0 })
  usedUsd!: number;

  @Column({ type: 'jsonb' })
  models!: string[];

  @Column({ type: 'jsonb' })
  allowIps!: string[];

  @Column({ type: 'integer', nullable: true })
  rpm!: number | null;

  @Column({
    type: 'bigint',
    nullable: true,
    transformer: {
      to: (v: number | null) => v,
      from: (v: string | null) => (v === null ? null : Number(v)),
    },
  })
  tpm!: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** The period budget (budget-period.ts); both null for a key without one. */
  @Column({ type: 'numeric', precision: 20, scale: 10, nullable: true, transformer: nullableUsd })
  budgetUsd!: number | null;

  @Column({ type: 'text', nullable: true })
  budgetPeriod!: BudgetPeriod | null;

  /** Spent in the period that began at budgetPeriodStart; written by the usage writer's debits only. */
  @Column({ type: 'numeric', precision: 20, scale: 10, transformer: usd, default: 0 })
  budgetSpentUsd!: number;

  @Column({ type: 'timestamptz', nullable: true })
  budgetPeriodStart!: Date | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
