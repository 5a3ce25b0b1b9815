// GET /admin/usage, relayed by ingress. Thin: validate, query, reply.
import { Controller } from '@nestjs/common';
import { AdminReply, AdminUsageList, RequestPayload, adminReply } from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { UsageRepository } from './usage.repository';

@Controller()
export class UsageHandler {
  constructor(private readonly usage: UsageRepository) {}

  @OnRequest(AdminUsageList)
  list(
    @ContractPayload(AdminUsageList) query: RequestPayload<typeof AdminUsageList>,
  ): Promise<AdminReply> {
    return adminReply(200, async () => ({ data: await this.usage.query(query) }));
  }
}
