// Storage of model prices behind a small abstract class, injected by that type.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { ModelPriceEntity } from './model-price.entity';

export type ModelPriceFields = Omit<ModelPriceEntity, 'updatedAt'>;

export abstract class PricingRepository {
  abstract findAll(): Promise<ModelPriceEntity[]>;
  abstract findByModels(models: string[]): Promise<ModelPriceEntity[]>;
  abstract upsert(fields: ModelPriceFields): Promise<ModelPriceEntity>;
  abstract delete(model: string): Promise<boolean>;
}

@Injectable()
export class TypeOrmPricingRepository extends PricingRepository {
  private readonly prices: Repository<ModelPriceEntity>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    super();
    this.prices = dataSource.getRepository(ModelPriceEntity);
  }

  findAll(): Promise<ModelPriceEntity[]> {
    return this.prices.find({ order: { model: 'ASC' } });
  }

  findByModels(models: string[]): Promise<ModelPriceEntity[]> {
    return models.length === 0 ? Promise.resolve([]) : this.prices.findBy({ model: In(models) });
  }

  async upsert(fields: ModelPriceFields): Promise<ModelPriceEntity> {
    await this.prices.upsert({ ...fields, updatedAt: new Date() }, ['model']);
    return this.prices.findOneByOrFail({ model: fields.model });
  }

  async delete(model: string): Promise<boolean> {
    const result = await this.prices.delete({ model });
    return (result.affected ?? 0) > 0;
  }
}
