// The admin API's one mechanism: check the admin token (constant time), validate the body at the HTTP edge
// with the contract's schema, send it to the owning app over NATS and relay its status and body.
import { Injectable } from '@nestjs/common';
import {
  AdminReply,
  AdminReplySchema,
  RequestContract,
  RequestPayload,
  hashClientKey,
} from '@relaymesh/contracts';
import { BusRequestError, MessageBus } from '@relaymesh/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { IngressEnv } from '../config/ingress.env';
import { sendError } from '../http/data-plane';

@Injectable()
export class AdminRelay {
  private readonly tokenHash: Buffer;

  constructor(
    private readonly bus: MessageBus,
    env: IngressEnv,
  ) {
    this.tokenHash = Buffer.from(env.adminTokenHash, 'hex');
  }

  async relay<R extends RequestContract<z.ZodType, typeof AdminReplySchema>>(
    request: FastifyRequest,
    reply: FastifyReply,
    contract: R,
    payload: unknown,
    options: { timeoutMs?: number } = {},
  ): Promise<void> {
    if (!this.authorised(request.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer');
      return sendError(reply, 'admin', 401, 'Missing or invalid admin token.', {});
    }
    const parsed = contract.request.safeParse(payload);
    if (!parsed.success) {
      void reply.code(400).send({
        error: {
          message: `Invalid request: ${z.prettifyError(parsed.error)}`,
          details: parsed.error.issues,
        },
      });
      return;
    }
    let answer: AdminReply;
    try {
      answer = await this.bus.request(contract, parsed.data as RequestPayload<R>, options);
    } catch (err) {
      if (err instanceof BusRequestError) {
        reply.header('retry-after', '1');
        return sendError(
          reply,
          'admin',
          503,
          `The control plane did not answer (${err.reason}); retry shortly.`,
          {},
        );
      }
      throw err;
    }
    if (answer.status === 204) {
      void reply.code(204).send();
      return;
    }
    void reply.code(answer.status).send(answer.body);
  }

  private authorised(header: string | undefined): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
    if (!match) return false;
    // Hash first so both sides have the same length, then compare in constant time.
    return timingSafeEqual(Buffer.from(hashClientKey(match[1].trim()), 'hex'), this.tokenHash);
  }
}
