// `GET /admin/channels/{id}/transitions`, relayed by ingress: the channel's health history, newest first.
import { Controller } from '@nestjs/common';
import {
  AdminChannelTransitions,
  AdminReply,
  RequestPayload,
  adminReply,
} from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { HealthService } from './health.service';

@Controller()
export class ChannelTransitionsHandler {
  constructor(private readonly health: HealthService) {}

  @OnRequest(AdminChannelTransitions)
  transitions(
    @ContractPayload(AdminChannelTransitions)
    { id, limit }: RequestPayload<typeof AdminChannelTransitions>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.health.history(id, limit));
  }
}
