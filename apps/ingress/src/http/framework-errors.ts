// Fastify answers a few malformed requests itself, before any route, hook or Nest filter runs (a path with
// broken percent-encoding: FST_ERR_BAD_URL), in its own JSON shape and without our x-request-id. This hands
// them to the same rendering as every other refusal. (Typed by the fields it uses: Nest's Fastify adapter and
// fastify itself declare the hook's request type with different server generics.)
import type { FastifyReply } from 'fastify';
import { sendError } from './data-plane';
import { formatOfPath } from './error-envelope';

export function renderFrameworkError(
  error: { message: string; code?: string; statusCode?: number },
  request: { id: string; url: string },
  res: unknown,
): void {
  const reply = res as FastifyReply;
  reply.header('x-request-id', request.id);
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  sendError(reply, formatOfPath(request.url), status, `Malformed request: ${error.message}`, {
    code: error.code === 'FST_ERR_BAD_URL' ? 'invalid_path' : 'invalid_request',
  });
}
