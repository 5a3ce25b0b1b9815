// GET /healthz (alive), /readyz (dependencies reachable; `?scope=serving`: able to serve traffic on its own, see
// readiness.ts), /metrics (Prometheus text) for every app.
import { Controller, Get, Header, HttpCode, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { metricsText } from './cluster-metrics';
import { registry } from './metrics';
import { readiness } from './readiness';

@Controller()
export class OpsController {
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply, @Query('scope') scope?: string): Promise<void> {
    const result = await readiness.evaluate(scope === 'serving' ? 'serving' : 'all');
    await reply.code(result.ready ? 200 : 503).send(result);
  }

  @Get('metrics')
  @Header('content-type', registry.contentType)
  metrics(): Promise<string> {
    return metricsText();
  }
}
