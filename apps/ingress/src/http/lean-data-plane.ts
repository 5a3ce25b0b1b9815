// The hot data-plane routes served straight from node:http, in front of Fastify and Nest's router.
//
// Why: measured with `npm run bench` on this machine, a bare node:http exchange costs ~0.03 ms of CPU, the same
// through Fastify ~0.09 ms (its content-type parser alone binds an AsyncResource per request), and Nest's
// router, middie and exception zone add more; together they were a third of ingress's CPU per request. This
// listener takes only what it can answer exactly as the Fastify route would: POST to /v1/chat/completions,
// /v1/responses, /v1/messages or a Gemini `:generateContent`/`:streamGenerateContent` path without
// percent-escapes, with a plain JSON body (application/json, utf-8 or no charset, no content-encoding) whose
// Content-Length is within the body limit. Everything else, every refusal Fastify words itself (413, 415, bad
// URLs, empty bodies) and every request while the replica drains goes to Fastify untouched, body unread. The
// handlers behind both are the same (FormatsController → DataPlane → FormatService): only the framework
// around them differs. What this gives up: Fastify hooks and Nest middleware/guards/interceptors do not run
// for these routes (ingress registers none for them; x-request-id is set here as the onRequest hook does).
import proxyAddr from '@fastify/proxy-addr';
import { Logger } from '@nestjs/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { finished } from 'node:stream';
import { sendError } from './data-plane';
import { formatOfPath } from './error-envelope';
import { DataPlaneReply, DataPlaneRequest, ReplyHeaders } from './exchange';
import { JsonBodyError, parseJsonBody } from './json-body';
import { requestIdOf } from './request-id';

/** A route the lean listener serves, as the controller's entry point names it. */
export type LeanRoute =
  | { kind: 'chat' | 'responses' | 'messages'; template: string }
  | { kind: 'gemini'; template: string; target: string };

const FIXED_ROUTES: Record<string, LeanRoute> = {
  '/v1/chat/completions': { kind: 'chat', template: '/v1/chat/completions' },
  '/v1/responses': { kind: 'responses', template: '/v1/responses' },
  '/v1/messages': { kind: 'messages', template: '/v1/messages' },
};

const GEMINI_PREFIXES = ['/v1beta/models/', '/v1/models/'] as const;
const GEMINI_GENERATE = /^[^/%]+:(generateContent|streamGenerateContent)$/;
const JSON_CONTENT_TYPE = /^application\/json(?:\s*;\s*charset=utf-8)?$/i;
const DIGITS = /^\d+$/;
const logger = new Logger('LeanDataPlane');

/** The lean route of a request, or null to leave it to Fastify (see the file header for the conditions). */
export function leanRouteOf(
  method: string | undefined,
  url: string | undefined,
  headers: IncomingMessage['headers'],
  maxBodyBytes: number,
): LeanRoute | null {
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
  const fixed = FIXED_ROUTES[path];
  if (fixed) return fixed;
  for (const prefix of GEMINI_PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    const target = path.slice(prefix.length);
    return GEMINI_GENERATE.test(target)
      ? { kind: 'gemini', template: `${prefix}:target`, target }
      : null;
  }
  return null;
}

/** The part of Fastify's reply the data plane uses, over the raw response, with Fastify's defaults. */
export class LeanReply implements DataPlaneReply {
  private hijacked = false;

  constructor(readonly raw: ServerResponse) {}

  get sent(): boolean {
    return this.hijacked || this.raw.writableEnded;
  }

  code(status: number): this {
    this.raw.statusCode = status;
    return this;
  }

  header(name: string, value: string): this {
    this.raw.setHeader(name, value);
    return this;
  }

  getHeaders(): ReplyHeaders {
    return this.raw.getHeaders();
  }

  /**
   * As Fastify sends: Buffers as bytes, strings as text unless a type was set, anything else as JSON; a JSON
   * type set without a charset gets `; charset=utf-8` (Fastify's rule, kept so both paths answer alike).
   */
  send(payload?: unknown): this {
    const res = this.raw;
    if (payload === undefined || payload === null) {
      res.end();
      return this;
    }
    let body: string | Buffer;
    let defaultType: string;
    if (Buffer.isBuffer(payload)) {
      body = payload;
      defaultType = 'application/octet-stream';
    } else if (typeof payload === 'string') {
      body = payload;
      defaultType = 'text/plain; charset=utf-8';
    } else {
      body = JSON.stringify(payload);
      defaultType = 'application/json; charset=utf-8';
    }
    const type = res.getHeader('content-type');
    if (type === undefined) {
      res.setHeader('content-type', defaultType);
    } else if (
      !Buffer.isBuffer(payload) &&
      typeof type === 'string' &&
      type.split(';', 1)[0].includes('json') &&
      !/;\s*charset=/i.test(type)
    ) {
      res.setHeader('content-type', `${type.trim().replace(/;\s*$/, '')}; charset=utf-8`);
    }
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
    return this;
  }

  hijack(): this {
    this.hijacked = true;
    return this;
  }

  then(fulfilled: () => void, rejected: (err: Error) => void): void {
    if (this.sent) {
      fulfilled();
      return;
    }
    finished(this.raw, (err) => (err ? rejected(err) : fulfilled()));
  }
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

export interface LeanDataPlaneOptions {
  maxBodyBytes: number;
  /** RELAYMESH_TRUSTED_PROXIES, as Fastify's trustProxy takes them. */
  trustedProxies: readonly string[];
  /** False while the replica drains: Fastify then answers, with its own closing behaviour. */
  accepting: () => boolean;
  handle: (route: LeanRoute, request: DataPlaneRequest, reply: DataPlaneReply) => Promise<void>;
}

export class LeanDataPlane {
  private readonly trust: ((addr: string, i: number) => boolean) | null;

  constructor(private readonly options: LeanDataPlaneOptions) {
    this.trust =
      options.trustedProxies.length > 0 ? proxyAddr.compile([...options.trustedProxies]) : null;
  }

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
    const route = leanRouteOf(req.method, req.url, req.headers, this.options.maxBodyBytes);
    if (!route || !this.options.accepting()) return false;
    this.serve(route, req, res).catch((err: unknown) => {
      // DataPlane.serve answers every failure itself; reaching here is a bug.
      logger.error(`lean data-plane handler failed: ${(err as Error).stack ?? String(err)}`);
    });
    return true;
  }

  private async serve(route: LeanRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = requestIdOf(req.headers);
    res.setHeader('x-request-id', id);
    const reply = new LeanReply(res);
    const url = req.url!;
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
      // Word for word what the Fastify route answers (the same parser, through GatewayExceptionFilter).
      sendError(
        reply,
        formatOfPath(url),
        400,
        `We could not parse the JSON body of your request: ${err.message}`,
        { code: 'invalid_json' },
      );
      return;
    }
    const query = url.indexOf('?');
    const request: DataPlaneRequest = {
      id,
      method: 'POST',
      url,
      headers: req.headers,
      query: query < 0 ? {} : parseQuery(url.slice(query + 1)),
      body,
      ip: this.trust
        ? (proxyAddr.all(req, this.trust).at(-1) ?? '')
        : (req.socket.remoteAddress ?? ''),
      routeOptions: { url: route.template },
    };
    try {
      await this.options.handle(route, request, reply);
    } catch (err) {
      // Still answered in the caller's envelope, then reported (by take()).
      if (!reply.sent && !res.headersSent) {
        sendError(
          reply,
          formatOfPath(url),
          500,
          `The gateway failed to handle this request (request id ${id}); this is a fault of the gateway, not of your request.`,
          {},
        );
      } else if (!res.writableEnded) {
        res.end();
      }
      throw err;
    }
  }
}
