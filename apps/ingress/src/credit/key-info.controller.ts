// GET /v1/key (CONTRACT §1): the calling key's own record, from this replica's cache, with any auth header form.
import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataPlane } from '../http/data-plane';
import { Authenticator } from '../keys/authenticator.service';
import { formatOfCaller, keyInfo } from './key-info';

@Controller()
export class KeyInfoController {
  constructor(
    private readonly dataPlane: DataPlane,
    private readonly auth: Authenticator,
  ) {}

  @Get('v1/key')
  get(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const query = request.query as Record<string, unknown>;
    const format = formatOfCaller(request.headers, query);
    return this.dataPlane.serve('key', format, request, reply, async () => {
      const key = this.auth.authorize(await this.auth.authenticate(request), null);
      await reply.send(keyInfo(key));
    });
  }
}
