// Where a matched data-plane request is served, whichever listener took it: the request id stamped, the
// client address resolved, the reply made (one RawReply for both), the request framed by DataPlane (drain,
// overload, failure rendering, metrics, observers), the key authenticated, and the route's handler called.
import { Injectable, Logger } from '@nestjs/common';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { IngressEnv } from '../config/ingress.env';
import { keyInfo } from '../credit/key-info';
import { CountTokensService } from '../endpoints/count-tokens.service';
import { EmbeddingsService } from '../endpoints/embeddings.service';
import { GenerationService } from '../endpoints/generation.service';
import { ProxyTrust, clientAddressOf, compileProxyTrust } from '../http/client-address';
import { DataPlane, sendError } from '../http/data-plane';
import { WireFormat } from '../http/error-envelope';
import { DataPlaneReply, DataPlaneRequest } from '../http/exchange';
import { GatewayError, gatewayFault } from '../http/gateway-error';
import { RawReply } from '../http/raw-reply';
import { Admission, AdmissionGate } from '../admission/admission.service';
import { modelList, modelsOfKey } from '../models/model-list';
import { planEmbeddings } from '../plan/embeddings-plan';
import { SnapshotStore } from '../routing-snapshot/snapshot-store.service';
import { RouteMatch, formatOfRoute, routerTemplateOf } from './route-table';

const logger = new Logger('RouteDispatcher');

/** Betas (interleaved thinking, context management, ...) must reach an Anthropic upstream unchanged. */
function formatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const beta = headers['anthropic-beta'];
  return typeof beta === 'string' ? { 'anthropic-beta': beta } : {};
}

@Injectable()
export class RouteDispatcher {
  private readonly trust: ProxyTrust | null;

  constructor(
    env: IngressEnv,
    private readonly dataPlane: DataPlane,
    private readonly admission: Admission,
    private readonly generation: GenerationService,
    private readonly embeddings: EmbeddingsService,
    private readonly countTokens: CountTokensService,
    private readonly store: SnapshotStore,
  ) {
    this.trust = compileProxyTrust(env.trustedProxies);
  }

  /** Both listeners hand a matched request here once its body is read and parsed. */
  async serveExchange(
    match: RouteMatch,
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    body: unknown,
  ): Promise<void> {
    res.setHeader('x-request-id', id);
    const reply = new RawReply(res);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const request: DataPlaneRequest = {
      id,
      method: req.method ?? 'POST',
      url,
      headers: req.headers,
      query: query < 0 ? {} : parseQuery(url.slice(query + 1)),
      body,
      ip: clientAddressOf(req, this.trust),
      routeOptions: { url: routerTemplateOf(match.route) },
    };
    const format = formatOfRoute(
      match.route,
      request.headers,
      request.query as Record<string, unknown>,
    );
    try {
      await this.serve(match, request, reply, format);
    } catch (err) {
      // DataPlane.serve answers every failure itself; reaching here is a bug, still answered in the envelope.
      logger.error(
        `request ${id} failed outside its frame: ${(err as Error).stack ?? String(err)}`,
      );
      if (!reply.sent && !res.headersSent) {
        const fault = gatewayFault(id);
        sendError(reply, format, fault.status, fault.message, fault.details);
      } else if (!res.writableEnded) {
        res.end();
      }
    }
  }

  private serve(
    match: RouteMatch,
    request: DataPlaneRequest,
    reply: DataPlaneReply,
    format: WireFormat,
  ): Promise<void> {
    const { route } = match;
    return this.dataPlane.serve(route.label, format, request, reply, async (signal, trace) => {
      const gate = await this.admission.open(request, trace, route.admission);
      await this.handle(match, gate, request, reply, format, signal);
      // Every handler passes the gate or throws; one that did neither is a bug, not an answer.
      if (!gate.done) throw new Error(`${route.label}: the handler answered without admission`);
    });
  }

  private async handle(
    { route, pathModel }: RouteMatch,
    gate: AdmissionGate,
    request: DataPlaneRequest,
    reply: DataPlaneReply,
    format: WireFormat,
    signal: AbortSignal,
  ): Promise<void> {
    const query = request.query as Record<string, unknown>;
    const handler = route.handler;
    switch (handler.kind) {
      case 'generate':
        return this.generation.serve(
          handler.adapter,
          {
            body: request.body,
            pathModel,
            stream: handler.stream,
            sse: query['alt'] === 'sse',
            requestId: request.id,
            formatHeaders: formatHeaders(request.headers),
          },
          gate,
          reply,
          signal,
        );
      case 'count_tokens':
        return this.countTokens.count(
          gate,
          {
            format: handler.format,
            body: request.body,
            pathModel,
            formatHeaders: formatHeaders(request.headers),
          },
          reply,
          signal,
        );
      case 'embeddings':
        return this.embeddings.serve(
          planEmbeddings(
            handler.adapter,
            { urlModel: pathModel, batch: handler.batch },
            request.body,
          ),
          gate,
          reply,
          signal,
        );
      case 'model_list': {
        const key = gate.admitKey();
        const table = this.store.table;
        if (!table) {
          throw new GatewayError(503, 'The gateway has no routing table yet; retry shortly.');
        }
        const models = modelsOfKey(table.models(key.group), key.models);
        await reply.send(modelList(format === 'admin' ? 'openai' : format, models));
        return;
      }
      case 'key_info':
        await reply.send(keyInfo(gate.admitKey()));
        return;
    }
  }
}
