// Storage of client keys behind a small abstract class, injected by that type.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUniqueViolation, isUuid } from '@relaymesh/persistence';
import { DataSource, Repository } from 'typeorm';
import { ClientKey } from './client-key.entity';

export type ClientKeyFields = Omit<ClientKey, 'id' | 'createdAt' | 'updatedAt' | 'usedUsd'>;

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
    // One statement, so concurrent credits add up instead of overwriting each other.
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ creditUsd: () => 'credit_usd + :amount' })
      .setParameter('amount', amountUsd)
      .where('id = :id', { id })
      .execute();
    return this.findById(id);
  }

  async delete(id: string): Promise<ClientKey | null> {
    const key = await this.findById(id);
    if (!key) return null;
    await this.keys.delete({ id });
    return key;
  }
}
