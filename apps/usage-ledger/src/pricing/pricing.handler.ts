// The pricing admin API and the price list ingress fetches at start. Thin: validate, call, reply.
import { Controller } from '@nestjs/common';
import {
  AdminModelDelete,
  AdminModelList,
  AdminModelPut,
  AdminReply,
  ModelPricesGet,
  ReplyPayload,
  RequestPayload,
  adminReply,
} from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { PricingService } from './pricing.service';

@Controller()
export class PricingHandler {
  constructor(private readonly pricing: PricingService) {}

  @OnRequest(AdminModelPut)
  put(
    @ContractPayload(AdminModelPut) { model, price }: RequestPayload<typeof AdminModelPut>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.pricing.put(model, price));
  }

  @OnRequest(AdminModelList)
  list(): Promise<AdminReply> {
    return adminReply(200, () => this.pricing.list());
  }

  @OnRequest(AdminModelDelete)
  delete(
    @ContractPayload(AdminModelDelete) { model }: RequestPayload<typeof AdminModelDelete>,
  ): Promise<AdminReply> {
    return adminReply(204, () => this.pricing.delete(model));
  }

  @OnRequest(ModelPricesGet)
  all(): Promise<ReplyPayload<typeof ModelPricesGet>> {
    return this.pricing.list();
  }
}
