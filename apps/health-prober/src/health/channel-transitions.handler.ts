// `GET /admin/channels/{id}/transitions`, relayed by ingress. Thin: validate, read, reply.
import { Controller } from '@nestjs/common';
import {
  AdminChannelTransitions,
  AdminReply,
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
}
