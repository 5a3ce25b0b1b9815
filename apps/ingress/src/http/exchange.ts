// What the data-plane code needs of an HTTP request and its reply: the part of Fastify's request and reply it
// uses, so the same handlers serve a request that came through Fastify (and Nest's router) and one taken by
// the lean data-plane listener (lean-data-plane.ts), which answers the hot routes without either.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export interface DataPlaneRequest {
  /** The request id: the client's `x-request-id` when it is a sane token, else a UUID. */
  readonly id: string;
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly query: unknown;
  /** The parsed JSON body. */
  readonly body: unknown;
  /** The caller's address (the socket's peer, or what a trusted proxy says). */
  readonly ip: string;
  /** The route as declared (`/v1beta/models/:target`), for span names. */
  readonly routeOptions: { readonly url?: string };
}

export type ReplyHeaders = Record<string, number | string | string[] | undefined>;

export interface DataPlaneReply {
  readonly raw: ServerResponse;
  /** Whether the answer was sent (or the raw response taken over). */
  readonly sent: boolean;
  code(status: number): DataPlaneReply;
  header(name: string, value: string): DataPlaneReply;
  removeHeader(name: string): DataPlaneReply;
  getHeaders(): ReplyHeaders;
  /** A string or Buffer as is; anything else as JSON. */
  send(payload?: unknown): DataPlaneReply;
  /** The caller writes to `raw` itself from now on (streams). */
  hijack(): DataPlaneReply;
  /** Awaiting a reply waits until it was sent (Fastify's reply is thenable the same way). */
  then(fulfilled: () => void, rejected: (err: Error) => void): void;
}
