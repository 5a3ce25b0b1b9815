// GET /admin/usage and GET /admin/requests/{request_id}, relayed by ingress. Thin: validate, query, reply.
import { Controller } from '@nestjs/common';
import {
  AdminError,
  AdminReply,
  AdminUsageList,
  AdminUsageRequest,
  RequestPayload,
  adminReply,
} from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { UsageRepository } from './usage.repository';

/** A client may reuse its `x-request-id`: the explorer shows this many of its records, newest first. */
const RECORDS_PER_REQUEST_ID = 20;

@Controller()
export class UsageHandler {
  constructor(private readonly usage: UsageRepository) {}

  @OnRequest(AdminUsageList)
  list(
    @ContractPayload(AdminUsageList) query: RequestPayload<typeof AdminUsageList>,
  ): Promise<AdminReply> {
    return adminReply(200, async () => ({ data: await this.usage.query(query) }));
  }

  @OnRequest(AdminUsageRequest)
  request(
    @ContractPayload(AdminUsageRequest)
    { request_id }: RequestPayload<typeof AdminUsageRequest>,
  ): Promise<AdminReply> {
    return adminReply(200, async () => {
      const data = await this.usage.query(
        { request_id, limit: RECORDS_PER_REQUEST_ID },
        { bodies: true },
      );
      if (data.length === 0) throw new AdminError(404, `no request with id ${request_id}`);
      return { data };
    });
  }
}
