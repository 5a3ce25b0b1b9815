// GET /admin/usage/summary, relayed by ingress. Thin: validate, summarise, reply.
import { Controller } from '@nestjs/common';
import { AdminReply, AdminUsageSummary, RequestPayload, adminReply } from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { UsageSummaryService } from './usage-summary.service';

@Controller()
export class UsageSummaryHandler {
  constructor(private readonly summaries: UsageSummaryService) {}

  @OnRequest(AdminUsageSummary)
  summarize(
    @ContractPayload(AdminUsageSummary) query: RequestPayload<typeof AdminUsageSummary>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.summaries.summarize(query));
  }
}
