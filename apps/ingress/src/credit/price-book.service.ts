// Model prices in ingress memory, to estimate reservations without a round trip: fetched from the ledger at
// start (retrying until it answers), then kept current by pricing.model.changed broadcasts.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModelPrice, ModelPricesGet } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { Price, priceOf, toPrice } from '@relaymesh/pricing';

const RETRY_MS = 1_000;

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
    return priceOf(this.prices, model, upstreamModel);
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
