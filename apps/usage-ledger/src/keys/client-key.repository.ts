// Storage of client keys behind a small abstract class, injected by that type.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUniqueViolation, isUuid } from '@relaymesh/persistence';
import { DataSource, Repository } from 'typeorm';
import type { BudgetPeriod } from './budget-period';
import { ClientKey } from './client-key.entity';

export type ClientKeyFields = Omit<
  ClientKey,
  'id' | 'createdAt' | 'updatedAt' | 'usedUsd' | 'budgetSpentUsd' | 'budgetPeriodStart'
>;

export class DuplicateKeyName extends Error {}

export abstract class ClientKeyRepository {
  abstract findAll(): Promise<ClientKey[]>;
  abstract findById(id: string): Promise<ClientKey | null>;
  abstract findByName(name: string): Promise<ClientKey | null>;
  abstract findByHash(keyHash: string): Promise<ClientKey | null>;
  abstract insert(fields: ClientKeyFields): Promise<ClientKey>;
  abstract update(id: string, fields: Partial<ClientKeyFields>): Promise<ClientKey | null>;
  abstract addCredit(id: string, amountUsd: number): Promise<ClientKey | null>;
  abstract delete(id: string): Promise<ClientKey | null>;
}

@Injectable()
export class TypeOrmClientKeyRepository extends ClientKeyRepository {
  private readonly keys: Repository<ClientKey>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    super();
    this.keys = dataSource.getRepository(ClientKey);
  }

  findAll(): Promise<ClientKey[]> {
    return this.keys.find({ order: { createdAt: 'ASC' } });
  }

  findById(id: string): Promise<ClientKey | null> {
    return isUuid(id) ? this.keys.findOneBy({ id }) : Promise.resolve(null);
  }

  findByName(name: string): Promise<ClientKey | null> {
    return this.keys.findOneBy({ name });
  }

  findByHash(keyHash: string): Promise<ClientKey | null> {
    return this.keys.findOneBy({ keyHash });
  }

  async insert(fields: ClientKeyFields): Promise<ClientKey> {
    try {
      return await this.keys.save(this.keys.create(fields));
    } catch (err) {
      throw isUniqueViolation(err)
        ? new DuplicateKeyName('a key with this name already exists')
        : err;
    }
  }

  async update(id: string, fields: Partial<ClientKeyFields>): Promise<ClientKey | null> {
    const key = await this.findById(id);
    if (!key) return null;
    try {
      return await this.keys.save(this.keys.merge(key, fields));
    } catch (err) {
      throw isUniqueViolation(err)
        ? new DuplicateKeyName('a key with this name already exists')
        : err;
    }
  }

  async addCredit(id: string, amountUsd: number): Promise<ClientKey | null> {
    if (!isUuid(id)) return null;
    // One statement, so concurrent credits add up instead of overwriting each other; RETURNING gives the row
    // this very update produced (a re-read could see a later one), and updated_at orders the broadcasts.
    const result = await this.keys
      .createQueryBuilder()
      .update()
      .set({ creditUsd: () => 'credit_usd + :amount', updatedAt: () => 'clock_timestamp()' })
      .setParameter('amount', amountUsd)
      .where('id = :id', { id })
      .returning('*')
      .execute();
    const [row] = result.raw as ClientKeyRow[];
    return row ? clientKeyFromRow(row) : null;
  }

  async delete(id: string): Promise<ClientKey | null> {
    const key = await this.findById(id);
    if (!key) return null;
    await this.keys.delete({ id });
    return key;
  }
}

/** A client_keys row as Postgres returns it (numeric and bigint as strings). */
export interface ClientKeyRow {
  id: string;
  name: string;
  key_hash: string;
  key_hint: string;
  group: string;
  unlimited: boolean;
  credit_usd: string;
  used_usd: string;
  models: string[];
  allow_ips: string[];
  rpm: number | null;
  tpm: string | null;
  expires_at: Date | null;
  budget_usd: string | null;
  budget_period: BudgetPeriod | null;
  budget_spent_usd: string;
  budget_period_start: Date | null;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

/** For `UPDATE … RETURNING *`, which TypeORM hands back raw. */
export function clientKeyFromRow(row: ClientKeyRow): ClientKey {
  return Object.assign(new ClientKey(), {
    id: row.id,
    name: row.name,
    keyHash: row.key_hash,
    keyHint: row.key_hint,
    group: row.group,
    unlimited: row.unlimited,
    creditUsd: Number(row.credit_usd),
    usedUsd: Number(row.used_usd),
    models: row.models,
    allowIps: row.allow_ips,
    rpm: row.rpm,
    tpm: row.tpm === null ? null : Number(row.tpm),
    expiresAt: row.expires_at,
    budgetUsd: row.budget_usd === null ? null : Number(row.budget_usd),
    budgetPeriod: row.budget_period,
    budgetSpentUsd: Number(row.budget_spent_usd),
    budgetPeriodStart: row.budget_period_start,
    enabled: row.enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
