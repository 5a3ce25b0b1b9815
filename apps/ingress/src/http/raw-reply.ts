// The one reply both front doors answer data-plane requests with: Fastify's reply semantics (what the handlers
// use of it) over node's ServerResponse. The lean listener has no Fastify reply; a Fastify route hands its
// reply over (hijack) and wraps the raw response in this too, so what a client gets (content types, lengths,
// headers) is decided once, whichever listener took the request.
import type { ServerResponse } from 'node:http';
import { finished } from 'node:stream';
import { DataPlaneReply, ReplyHeaders } from './exchange';

export class RawReply implements DataPlaneReply {
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

  removeHeader(name: string): this {
    this.raw.removeHeader(name);
    return this;
  }

  getHeaders(): ReplyHeaders {
    return this.raw.getHeaders();
  }

  /**
   * As Fastify sends: Buffers as bytes, strings as text unless a type was set, anything else as JSON; a JSON
   * type set without a charset gets `; charset=utf-8` (Fastify's rule, kept: the admin API answers through
   * Fastify, and clients see one convention).
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
