// Storage of channels behind a small abstract class (injected by that type), so the service reads as
// domain code and tests can see exactly which queries exist.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUniqueViolation, isUuid } from '@relaymesh/persistence';
import { DataSource, Repository } from 'typeorm';
import { Channel } from './channel.entity';

export type ChannelFields = Omit<Channel, 'id' | 'createdAt' | 'updatedAt'>;

export class DuplicateChannelName extends Error {}

export abstract class ChannelRepository {
  abstract findAll(): Promise<Channel[]>;
  abstract findById(id: string): Promise<Channel | null>;
  abstract findByName(name: string): Promise<Channel | null>;
  abstract insert(fields: ChannelFields): Promise<Channel>;
  abstract update(id: string, fields: Partial<ChannelFields>): Promise<Channel | null>;
  abstract delete(id: string): Promise<boolean>;
  abstract nextSnapshotVersion(): Promise<number>;
}

@Injectable()
export class TypeOrmChannelRepository extends ChannelRepository {
  private readonly channels: Repository<Channel>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    this.channels = dataSource.getRepository(Channel);
  }

  findAll(): Promise<Channel[]> {
    return this.channels.find({ order: { priority: 'DESC', name: 'ASC' } });
  }

  findById(id: string): Promise<Channel | null> {
    return isUuid(id) ? this.channels.findOneBy({ id }) : Promise.resolve(null);
  }

  findByName(name: string): Promise<Channel | null> {
    return this.channels.findOneBy({ name });
  }

  async insert(fields: ChannelFields): Promise<Channel> {
    try {
      return await this.channels.save(this.channels.create(fields));
    } catch (err) {
      throw translateUniqueViolation(err);
    }
  }

  async update(id: string, fields: Partial<ChannelFields>): Promise<Channel | null> {
    const channel = await this.findById(id);
    if (!channel) return null;
    try {
      return await this.channels.save(this.channels.merge(channel, fields));
    } catch (err) {
      throw translateUniqueViolation(err);
    }
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.channels.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async nextSnapshotVersion(): Promise<number> {
    const schema = this.channels.metadata.schema ?? 'public';
    const rows: { version: string }[] = await this.dataSource.query(
      `SELECT nextval('"${schema.replace(/"/g, '""')}".routing_snapshot_version_seq') AS version`,
    );
    return Number(rows[0].version);
  }
}

function translateUniqueViolation(err: unknown): unknown {
  if (isUniqueViolation(err)) {
    return new DuplicateChannelName('a channel with this name already exists');
  }
  return err;
}
