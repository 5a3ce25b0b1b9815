// Model prices in ingress memory, to estimate reservations without a round trip: fetched from the ledger at
// start (retrying until it answers), then kept current by pricing.model.changed broadcasts.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModelPrice, ModelPricesGet, Price } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';

const RETRY_MS = 1_000;

export function toPrice(price: ModelPrice): Price {
  return {
    inputUsdPerMtok: price.input_usd_per_mtok,
    outputUsdPerMtok: price.output_usd_per_mtok,
    cacheReadMultiplier: price.cache_read_multiplier,
    cacheWriteMultiplier: price.cache_write_multiplier,
  };
}

@Injectable()
export class PriceBook implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PriceBook.name);
  private readonly prices = new Map<string, Price>();
  private loaded = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly bus: MessageBus) {}

  onApplicationBootstrap(): void {
    void this.fetch();
  }

  onApplicationShutdown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** The price of a model as the client named it, else of the model the channel serves it as. */
  priceOf(model: string | null, upstreamModel: string | null = null): Price | null {
    return (
      (model !== null ? this.prices.get(model) : undefined) ??
      (upstreamModel !== null ? this.prices.get(upstreamModel) : undefined) ??
      null
    );
  }

  apply(model: string, price: ModelPrice | null): void {
    if (price) this.prices.set(model, toPrice(price));
    else this.prices.delete(model);
  }

  async fetch(): Promise<void> {
    try {
      const { data } = await this.bus.request(ModelPricesGet, {});
      // Broadcasts that arrived meanwhile are at least as new as this list: only fill what is missing.
      for (const price of data) {
        if (!this.prices.has(price.model)) this.prices.set(price.model, toPrice(price));
      }
      this.loaded = true;
    } catch (err) {
      this.logger.warn(`no model prices yet (${(err as Error).message}); retrying`);
      this.retryTimer = setTimeout(() => void this.fetch(), RETRY_MS);
    }
  }

  get ready(): boolean {
    return this.loaded;
  }
}
