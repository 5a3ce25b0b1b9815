// A request's id (CONTRACT §1: every response carries x-request-id): the client's own when it is a sane token,
// otherwise a fresh UUID. Used by Fastify's genReqId and by the lean data-plane listener alike.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,200}$/;

export function requestIdOf(headers: IncomingHttpHeaders): string {
  const sent = headers['x-request-id'];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
}
