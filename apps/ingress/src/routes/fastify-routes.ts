// The data-plane routes on Fastify, built from the route table: one Fastify route per fixed path and one per
// family template (`/v1beta/models/:target`, resolved with the table's own routeInFamily). Fastify reads and
// parses the bodies the lean listener leaves to it (chunked, other spellings, and everything when
// RELAYMESH_LEAN_LISTENER=off); the reply is then handed over (hijack) to the same RouteDispatcher the lean
// listener uses, so past the body both answer with one implementation.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http/data-plane';
import { formatOfPath } from '../http/error-envelope';
import { unknownEndpoint } from '../http/gateway-error';
import { RawReply } from '../http/raw-reply';
import { RouteDispatcher } from './route-dispatcher.service';
import { RouteMatch, RouteTable, routeInFamily } from './route-table';

export function registerFastifyRoutes(
  fastify: FastifyInstance,
  table: RouteTable,
  dispatcher: RouteDispatcher,
): void {
  const serve = (match: RouteMatch | null, request: FastifyRequest, reply: FastifyReply) => {
    void reply.hijack();
    if (match === null) {
      const refusal = unknownEndpoint(request.method, request.url);
      reply.raw.setHeader('x-request-id', request.id);
      sendError(
        new RawReply(reply.raw),
        formatOfPath(request.url),
        refusal.status,
        refusal.message,
        refusal.details,
      );
      return Promise.resolve();
    }
    return dispatcher.serveExchange(match, request.raw, reply.raw, request.id, request.body);
  };
  for (const route of table.fixedRoutes) {
    fastify.route({
      method: route.method,
      url: route.path,
      handler: (request, reply) => serve({ route, pathModel: null }, request, reply),
    });
  }
  for (const family of table.families) {
    fastify.route({
      method: family.method,
      url: family.template,
      handler: (request, reply) =>
        serve(
          // Fastify's router has decoded the parameter (once: decoding again broke `x%2541`).
          routeInFamily(family, (request.params as { target: string }).target),
          request,
          reply,
        ),
    });
  }
}
