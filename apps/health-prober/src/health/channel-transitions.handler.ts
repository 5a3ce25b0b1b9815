// `GET /admin/channels/{id}/transitions` and `GET /admin/transitions`, relayed by ingress. Thin: validate, read, reply.
import { Controller } from '@nestjs/common';
import {
  AdminChannelTransitions,
  AdminReply,
  AdminTransitions,
  RequestPayload,
  adminReply,
} from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { ChannelHistory } from './channel-history.service';

@Controller()
export class ChannelTransitionsHandler {
  constructor(private readonly history: ChannelHistory) {}

  @OnRequest(AdminChannelTransitions)
  list(
    @ContractPayload(AdminChannelTransitions)
    { id, limit }: RequestPayload<typeof AdminChannelTransitions>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.history.transitions(id, limit));
  }

  @OnRequest(AdminTransitions)
  latest(
    @ContractPayload(AdminTransitions) { limit }: RequestPayload<typeof AdminTransitions>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.history.latest(limit));
  }
}
