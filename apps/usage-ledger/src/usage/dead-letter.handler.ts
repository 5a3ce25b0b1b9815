// GET /admin/usage/dead-letters and POST /admin/usage/dead-letters/{id}/replay, relayed by ingress. Thin:
// validate, call the service, reply.
import { Controller } from '@nestjs/common';
import {
  AdminReply,
  AdminUsageDeadLetterList,
  AdminUsageDeadLetterReplay,
  RequestPayload,
  adminReply,
} from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { DeadLetterService } from './dead-letter.service';

@Controller()
export class DeadLetterHandler {
  constructor(private readonly deadLetters: DeadLetterService) {}

  @OnRequest(AdminUsageDeadLetterList)
  list(
    @ContractPayload(AdminUsageDeadLetterList)
    query: RequestPayload<typeof AdminUsageDeadLetterList>,
  ): Promise<AdminReply> {
    return adminReply(200, async () => ({ data: await this.deadLetters.list(query) }));
  }

  @OnRequest(AdminUsageDeadLetterReplay)
  replay(
    @ContractPayload(AdminUsageDeadLetterReplay)
    { id }: RequestPayload<typeof AdminUsageDeadLetterReplay>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.deadLetters.replay(id));
  }
}
