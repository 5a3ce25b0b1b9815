import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataPlane } from '../http/data-plane';
import { GatewayError } from '../http/gateway-error';
import { Authenticator } from '../keys/authenticator.service';
import { SnapshotStore } from '../routing-snapshot/snapshot-store.service';
import { ModelListFormat, modelList, modelsOfKey } from './model-list';

/** The models the caller's key may use: its group's catalogue, narrowed by the key's allow-list. */
@Controller()
export class ModelsController {
  constructor(
    private readonly dataPlane: DataPlane,
    private readonly auth: Authenticator,
    private readonly store: SnapshotStore,
  ) {}

  @Get('v1/models')
  list(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const format: ModelListFormat = request.headers['anthropic-version'] ? 'anthropic' : 'openai';
    return this.serve(format, request, reply);
  }

  @Get('v1beta/models')
  listGemini(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve('gemini', request, reply);
  }

  private serve(
    format: ModelListFormat,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    return this.dataPlane.serve('models', format, request, reply, async () => {
      const key = this.auth.authorize(await this.auth.authenticate(request), null);
      const table = this.store.table;
      if (!table) {
        throw new GatewayError(503, 'The gateway has no routing table yet; retry shortly.');
      }
      const models = modelsOfKey(table.models(key.group), key.models);
      await reply.send(modelList(format, models));
    });
  }
}
