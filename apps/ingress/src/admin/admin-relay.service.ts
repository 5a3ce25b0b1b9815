// The admin API's one mechanism: check the admin token (constant time; a read-only token may only read),
// validate the body at the HTTP edge with the contract's schema, send it to the owning app over NATS and relay
// its status and body (composed with another owner's fact where the read shows two: `compose`).
import { Injectable } from '@nestjs/common';
import {
  AdminReply,
  AdminReplySchema,
  RequestContract,
  RequestPayload,
} from '@relaymesh/contracts';
import { BusRequestError, MessageBus } from '@relaymesh/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IngressEnv } from '../config/ingress.env';
import { sendError } from '../http/data-plane';
import { AdminTokens, mayUse } from './admin-access';

@Injectable()
export class AdminRelay {
  private readonly tokens: AdminTokens;

  constructor(
    private readonly bus: MessageBus,
    env: IngressEnv,
  ) {
    this.tokens = new AdminTokens(env.adminTokenHash, env.adminReadOnlyTokenHashes);
  }

  async relay<R extends RequestContract<z.ZodType, typeof AdminReplySchema>>(
    request: FastifyRequest,
    reply: FastifyReply,
    contract: R,
    payload: unknown,
    options: {
      timeoutMs?: number;
      /** Applied to the owner's answer before it is sent (a channel read: the prober's health on top). */
      compose?: (answer: AdminReply) => Promise<AdminReply>;
    } = {},
  ): Promise<void> {
    const access = this.tokens.accessOf(request.headers.authorization);
    if (access === 'none') {
      reply.header('www-authenticate', 'Bearer');
      return sendError(reply, 'admin', 401, 'Missing or invalid admin token.', {});
    }
    if (!mayUse(access, request.method)) {
      return sendError(
        reply,
        'admin',
        403,
        'This admin token is read-only: it may only read (GET).',
        {},
      );
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
      if (options.compose) answer = await options.compose(answer);
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
}
