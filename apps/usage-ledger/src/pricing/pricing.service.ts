// Model prices: set through the admin API or the config file, announced on every change so ingress can
// estimate credit reservations, and read by the usage writer to price each record.
import { Injectable } from '@nestjs/common';
import { AdminError, ModelPrice, ModelPriceChanged, ModelPriceInput } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { Price, toPrice } from '@relaymesh/pricing';
import { ModelPriceEntity } from './model-price.entity';
import { PricingRepository } from './pricing.repository';

export function toModelPrice(entity: ModelPriceEntity): ModelPrice {
  return {
    model: entity.model,
    input_usd_per_mtok: entity.inputUsdPerMtok,
    output_usd_per_mtok: entity.outputUsdPerMtok,
    cache_read_multiplier: entity.cacheReadMultiplier,
    cache_write_multiplier: entity.cacheWriteMultiplier,
    updated_at: entity.updatedAt.toISOString(),
  };
}

@Injectable()
export class PricingService {
  constructor(
    private readonly prices: PricingRepository,
    private readonly bus: MessageBus,
  ) {}

  async put(model: string, input: ModelPriceInput): Promise<ModelPrice> {
    const stored = toModelPrice(
      await this.prices.upsert({
        model,
        inputUsdPerMtok: input.input_usd_per_mtok,
        outputUsdPerMtok: input.output_usd_per_mtok,
        cacheReadMultiplier: input.cache_read_multiplier,
        cacheWriteMultiplier: input.cache_write_multiplier,
      }),
    );
    this.bus.emit(ModelPriceChanged, { model, price: stored });
    return stored;
  }

  async list(): Promise<{ data: ModelPrice[] }> {
    return { data: (await this.prices.findAll()).map(toModelPrice) };
  }

  async delete(model: string): Promise<undefined> {
    if (!(await this.prices.delete(model))) {
      throw new AdminError(404, `model ${model} has no price`);
    }
    this.bus.emit(ModelPriceChanged, { model, price: null });
    return undefined;
  }

  /** Prices of the given models, by model name (missing ones are unpriced). */
  async pricesOf(models: string[]): Promise<Map<string, Price>> {
    const found = await this.prices.findByModels([...new Set(models)]);
    return new Map(found.map((entity) => [entity.model, toPrice(toModelPrice(entity))]));
  }

  async applyConfig(models: (ModelPriceInput & { model: string })[]): Promise<number> {
    for (const { model, ...price } of models) await this.put(model, price);
    return models.length;
  }
}
