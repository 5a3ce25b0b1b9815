// `POST /admin/channels/{id}/test`, relayed by ingress: probe now and answer with the result.
import { Controller } from '@nestjs/common';
import { AdminChannelTest, AdminReply, RequestPayload, adminReply } from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { HealthService } from './health.service';

@Controller()
export class ChannelTestHandler {
  constructor(private readonly health: HealthService) {}

  @OnRequest(AdminChannelTest)
  test(
    @ContractPayload(AdminChannelTest) { id }: RequestPayload<typeof AdminChannelTest>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.health.test(id));
  }
}
