// The admin API for channels, as ingress relays it over NATS. Thin: validate (pipe), call the service, reply.
import { Controller } from '@nestjs/common';
import {
  AdminChannelCreate,
  AdminChannelDelete,
  AdminChannelGet,
  AdminChannelList,
  AdminChannelUpdate,
  AdminReply,
  RequestPayload,
  adminReply,
} from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { ChannelsService } from './channels.service';

@Controller()
export class ChannelsHandler {
  constructor(private readonly channels: ChannelsService) {}

  @OnRequest(AdminChannelCreate)
  create(
    @ContractPayload(AdminChannelCreate) input: RequestPayload<typeof AdminChannelCreate>,
  ): Promise<AdminReply> {
    return adminReply(201, () => this.channels.create(input));
  }

  @OnRequest(AdminChannelList)
  list(): Promise<AdminReply> {
    return adminReply(200, () => this.channels.list());
  }

  @OnRequest(AdminChannelGet)
  get(
    @ContractPayload(AdminChannelGet) { id }: RequestPayload<typeof AdminChannelGet>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.channels.get(id));
  }

  @OnRequest(AdminChannelUpdate)
  update(
    @ContractPayload(AdminChannelUpdate) { id, patch }: RequestPayload<typeof AdminChannelUpdate>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.channels.update(id, patch));
  }

  @OnRequest(AdminChannelDelete)
  delete(
    @ContractPayload(AdminChannelDelete) { id }: RequestPayload<typeof AdminChannelDelete>,
  ): Promise<AdminReply> {
    return adminReply(204, () => this.channels.delete(id));
  }
}
