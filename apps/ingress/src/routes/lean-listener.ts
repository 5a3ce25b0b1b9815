// The data-plane routes served straight from node:http, in front of Fastify and Nest's router.
//
// Why: measured with `npm run bench` on this machine, a bare node:http exchange costs ~0.03 ms of CPU, the same
// through Fastify ~0.09 ms (its content-type parser alone binds an AsyncResource per request), and Nest's
// router, middie and exception zone add more; together they were a third of ingress's CPU per request.
//
// What it takes: a POST to a route of the route table (route-table.ts, the same table Fastify's routes are
// built from) with a path that has no percent-escapes (so the path is its own decoding) and a plain JSON body
// (application/json, utf-8 or no charset, no content-encoding, a Content-Length within the body limit).
// Everything else, every refusal Fastify words itself (413, 415, bad URLs, empty bodies) and every request
// while the replica drains goes to Fastify untouched, body unread. Past the body, both listeners hand the
// request to the same RouteDispatcher.serveExchange (request id, client address, reply, handler): only the
// body reading differs. RELAYMESH_LEAN_LISTENER=off leaves everything to Fastify (the parity e2e test compares).
import { Logger } from '@nestjs/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { sendError } from '../http/data-plane';
import { formatOfPath } from '../http/error-envelope';
import { JsonBodyError, jsonBodyRefusal, parseJsonBody } from '../http/json-body';
import { RawReply } from '../http/raw-reply';
import { requestIdOf } from '../http/request-id';
import { RouteDispatcher } from './route-dispatcher.service';
import { RouteMatch, RouteTable } from './route-table';

const JSON_CONTENT_TYPE = /^application\/json(?:\s*;\s*charset=utf-8)?$/i;
const DIGITS = /^\d+$/;
const logger = new Logger('LeanListener');

/** The route of a request this listener can take, or null to leave it to Fastify (see the file header). */
export function leanRouteOf(
  table: RouteTable,
  method: string | undefined,
  url: string | undefined,
  headers: IncomingMessage['headers'],
  maxBodyBytes: number,
): RouteMatch | null {
  if (method !== 'POST' || url === undefined) return null;
  const contentType = headers['content-type'];
  if (contentType === undefined || !JSON_CONTENT_TYPE.test(contentType.trim())) return null;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return null;
  if (headers['transfer-encoding'] !== undefined) return null;
  const length = headers['content-length'];
  if (length === undefined || !DIGITS.test(length)) return null;
  const bytes = Number(length);
  if (bytes === 0 || bytes > maxBodyBytes) return null;
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (path.includes('%')) return null;
  return table.routeOf(method, path);
}

/** Reads the whole body (its length is known and within the limit), or null when the client went away. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () =>
      resolve(
        chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      ),
    );
    // A client that goes away mid-body: 'error' (aborted), or 'close' before 'end'.
    req.once('error', () => resolve(null));
    req.once('close', () => resolve(null));
  });
}

export interface LeanListenerOptions {
  maxBodyBytes: number;
  table: RouteTable;
  /** False while the replica drains: Fastify then answers, with its own closing behaviour. */
  accepting: () => boolean;
  dispatcher: RouteDispatcher;
}

export class LeanListener {
  constructor(private readonly options: LeanListenerOptions) {}

  /**
   * Puts this listener in front of the server's own (Fastify's): a request it takes never reaches Fastify,
   * any other is handed on unchanged, its body unread.
   */
  install(server: Server): void {
    const others = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.take(req, res)) return;
      for (const listener of others) listener.call(server, req, res);
    });
  }

  /** Serves the request and returns true, or returns false having touched nothing. */
  take(req: IncomingMessage, res: ServerResponse): boolean {
    const { table, maxBodyBytes } = this.options;
    const match = leanRouteOf(table, req.method, req.url, req.headers, maxBodyBytes);
    if (!match || !this.options.accepting()) return false;
    this.serve(match, req, res).catch((err: unknown) => {
      // serveExchange answers every failure itself; reaching here is a bug.
      logger.error(`lean listener failed: ${(err as Error).stack ?? String(err)}`);
    });
    return true;
  }

  private async serve(match: RouteMatch, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = requestIdOf(req.headers);
    const text = await readBody(req);
    if (text === null) {
      res.destroy();
      return;
    }
    let body: unknown;
    try {
      body = parseJsonBody(text);
    } catch (err) {
      if (!(err instanceof JsonBodyError)) throw err;
      // As Fastify's route answers it: the same parser, the same wording (GatewayExceptionFilter).
      const refusal = jsonBodyRefusal(err);
      res.setHeader('x-request-id', id);
      sendError(
        new RawReply(res),
        formatOfPath(req.url!),
        refusal.status,
        refusal.message,
        refusal.details,
      );
      return;
    }
    await this.options.dispatcher.serveExchange(match, req, res, id, body);
  }
}
