// The admin API for keys and the key look-up ingress makes on a cache miss. Thin: validate, call, reply.
import { Controller } from '@nestjs/common';
import {
  AdminKeyCreate,
  AdminKeyCredit,
  AdminKeyDelete,
  AdminKeyGet,
  AdminKeyList,
  AdminKeyUpdate,
  AdminReply,
  KeyLookup,
  ReplyPayload,
  RequestPayload,
  adminReply,
} from '@relaymesh/contracts';
import { ContractPayload, OnRequest } from '@relaymesh/messaging';
import { KeysService } from './keys.service';

@Controller()
export class KeysHandler {
  constructor(private readonly keys: KeysService) {}

  @OnRequest(KeyLookup)
  async lookup(
    @ContractPayload(KeyLookup) { key_hash }: RequestPayload<typeof KeyLookup>,
  ): Promise<ReplyPayload<typeof KeyLookup>> {
    return { key: await this.keys.lookup(key_hash) };
  }

  @OnRequest(AdminKeyCreate)
  create(
    @ContractPayload(AdminKeyCreate) input: RequestPayload<typeof AdminKeyCreate>,
  ): Promise<AdminReply> {
    return adminReply(201, () => this.keys.create(input));
  }

  @OnRequest(AdminKeyList)
  list(): Promise<AdminReply> {
    return adminReply(200, () => this.keys.list());
  }

  @OnRequest(AdminKeyGet)
  get(
    @ContractPayload(AdminKeyGet) { id }: RequestPayload<typeof AdminKeyGet>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.keys.get(id));
  }

  @OnRequest(AdminKeyUpdate)
  update(
    @ContractPayload(AdminKeyUpdate) { id, patch }: RequestPayload<typeof AdminKeyUpdate>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.keys.update(id, patch));
  }

  @OnRequest(AdminKeyCredit)
  credit(
    @ContractPayload(AdminKeyCredit) { id, amount_usd }: RequestPayload<typeof AdminKeyCredit>,
  ): Promise<AdminReply> {
    return adminReply(200, () => this.keys.credit(id, amount_usd));
  }

  @OnRequest(AdminKeyDelete)
  delete(
    @ContractPayload(AdminKeyDelete) { id }: RequestPayload<typeof AdminKeyDelete>,
  ): Promise<AdminReply> {
    return adminReply(204, () => this.keys.delete(id));
  }
}
