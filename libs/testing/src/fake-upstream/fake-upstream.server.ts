// What every fake upstream shares, whatever API it speaks: the node:http server on 127.0.0.1, socket tracking
// so close() never hangs, request recording, the scripted faults (queued and sticky, optionally by path),
// the stream chunk delay, and writing a stream one frame per `res.write` so faults can cut it exactly.
// Built on node:http rather than a framework because faults need the raw socket (RST, dropping mid-stream).
// Each fake extends this with its routes, its auth, its validation and its error envelope.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { playHostile } from './fake-upstream.hostile';
import { framesBeforeDrop, type StreamFrame } from './fake-upstream.stream';
import type { Fault, FakeUpstreamOptions, RecordedRequest } from './fake-upstream.types';

const HOST = '127.0.0.1';

export type ParsedBody = { ok: true; value: unknown } | { ok: false };

/** A request as the fake's routes see it, after recording and after any fault was applied. */
export interface IncomingCall {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Header names are lower-case; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  body: ParsedBody;
  /** Epoch milliseconds at which the request arrived. */
  receivedAt: number;
}

/** What the fault applied to one request leaves for the route to honour. */
export interface ResponsePlan {
  /** Content chunks to send before dropping the connection; undefined means stream to the end. */
  dropAfterChunks?: number;
}

/** Thrown inside a fake to end a request with an error response in that upstream's envelope. */
export abstract class UpstreamError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** The JSON body the upstream sends with this error. */
  abstract envelope(): unknown;
}

/** How a concrete fake configures the base: its responder and which keys it accepts by default. */
export interface FakeUpstreamDefaults<TResponder> {
  responder: TResponder;
  /** Without `keys`, a key is accepted when it starts with this prefix (`sk-`, `sk-ant-`, `AIza`). */
  keyPrefix: string;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): ParsedBody {
  if (raw.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

/** `body` with the request's headers appended to its `error.message` (every provider envelope has one). */
function withEchoedHeaders(body: unknown, headers: Record<string, string>): unknown {
  const echo = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('; ');
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as {
    error?: { message?: unknown };
  };
  const error = typeof envelope.error === 'object' && envelope.error !== null ? envelope.error : {};
  const message = typeof error.message === 'string' ? error.message : 'request refused';
  return { ...envelope, error: { ...error, message: `${message} (received headers: ${echo})` } };
}

function faultMatches(fault: Fault, path: string, isStream: boolean): boolean {
  if (fault.path !== undefined && !path.startsWith(fault.path)) return false;
  return fault.kind !== 'reset-mid-stream' || isStream;
}

function checkFault(fault: Fault): void {
  switch (fault.kind) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599) {
        throw new RangeError(`fault status must be an HTTP status code, got ${fault.status}`);
      }
      return;
    case 'delay':
      if (!(fault.ms >= 0)) throw new RangeError(`fault delay must be >= 0 ms, got ${fault.ms}`);
      return;
    case 'reset-mid-stream':
      if (!Number.isInteger(fault.afterChunks) || fault.afterChunks < 0) {
        throw new RangeError(
          `afterChunks must be a non-negative integer, got ${fault.afterChunks}`,
        );
      }
      return;
    case 'hang':
    case 'reset':
    case 'hostile':
      return;
  }
}

export abstract class FakeUpstream<TResponder> {
  /** Every request received, in arrival order, including those answered by a fault. */
  readonly requests: RecordedRequest[] = [];

  protected responder: TResponder;

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly keyAccepted: (key: string) => boolean;
  private readonly defaultResponder: TResponder;
  private queuedFaults: Fault[] = [];
  private stickyFault: Fault | null = null;
  private streamChunkDelayMs = 0;
  private readonly streamCounts = { started: 0, finished: 0, abandoned: 0, bytesFlushed: 0 };
  private hostileBytes = 0;
  private port = 0;
  private closed = false;
  private readonly pathPrefix: string;

  protected constructor(options: FakeUpstreamOptions, defaults: FakeUpstreamDefaults<TResponder>) {
    const keys = options.keys;
    const prefix = defaults.keyPrefix;
    this.pathPrefix = options.pathPrefix ?? '';
    this.keyAccepted = keys ? (key) => keys.includes(key) : (key) => key.startsWith(prefix);
    this.defaultResponder = defaults.responder;
    this.responder = defaults.responder;
    // HTTP keep-alive is node:http's default; the sockets are tracked so close() can end idle and hung ones.
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Base URL without a version path, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  lastRequest(): RecordedRequest | undefined {
    return this.requests[this.requests.length - 1];
  }

  /** Back to a fresh fake: no recorded requests, no faults, default responder, no stream chunk delay. */
  reset(): void {
    this.requests.length = 0;
    this.queuedFaults = [];
    this.stickyFault = null;
    this.responder = this.defaultResponder;
    this.streamChunkDelayMs = 0;
    Object.assign(this.streamCounts, { started: 0, finished: 0, abandoned: 0, bytesFlushed: 0 });
    this.hostileBytes = 0;
  }

  /** Body bytes of hostile answers the socket took: a reader that stops early stops this. */
  get hostileBytesSent(): number {
    return this.hostileBytes;
  }

  /** Applies `fault` to the next request it matches, once; queued faults are used first in, first out. */
  enqueueFault(fault: Fault): void {
    checkFault(fault);
    this.queuedFaults.push(fault);
  }

  /** Applies `fault` to every request it matches until cleared with null; a queued fault takes precedence. */
  setStickyFault(fault: Fault | null): void {
    if (fault) checkFault(fault);
    this.stickyFault = fault;
  }

  setResponder(responder: TResponder): void {
    this.responder = responder;
  }

  /** Waits this long before every stream frame after the first. */
  setStreamChunkDelayMs(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`stream chunk delay must be >= 0 ms, got ${ms}`);
    this.streamChunkDelayMs = ms;
  }

  /**
   * Streams so far: `started`; `finished` (written to the end); `abandoned` (the client, e.g. relaymesh
   * cancelling the call, closed the connection before the end; the fake's own drops are not counted); and
   * `bytesFlushed`, the stream bytes the kernel has taken (a client that stops reading stalls it: backpressure).
   */
  get streams(): Readonly<{
    started: number;
    finished: number;
    abandoned: number;
    bytesFlushed: number;
  }> {
    return { ...this.streamCounts };
  }

  /** Stops listening and destroys every open socket, hung and streaming ones included, so it never hangs. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** Answers a request that got past the faults: routing, auth, validation and the response itself. */
  protected abstract route(
    call: IncomingCall,
    res: ServerResponse,
    plan: ResponsePlan,
  ): Promise<void>;

  /** Whether a `reset-mid-stream` fault may take this request. */
  protected abstract isStreaming(call: IncomingCall): boolean;

  /** The body a `status` fault sends when the test gives none. */
  protected abstract statusFaultBody(status: number, res: ServerResponse): unknown;

  /** What an unexpected exception inside the fake is answered with. */
  protected abstract internalError(): UpstreamError;

  /** Sets the headers the upstream puts on every response (request ids and the like). */
  protected prepareResponse(_res: ServerResponse): void {}

  /** The JSON body of an error response; a fake overrides it to add what the upstream echoes (request id). */
  protected errorBody(error: UpstreamError, _res: ServerResponse): unknown {
    return error.envelope();
  }

  protected acceptsKey(key: string): boolean {
    return this.keyAccepted(key);
  }

  protected async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, HOST, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  protected sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(payload)),
      ...headers,
    });
    res.end(payload);
  }

  /**
   * Writes a 200 stream frame by frame, each in its own flushed `res.write`, with the chunk delay between
   * frames. Under a `reset-mid-stream` plan it stops where `framesBeforeDrop` says and closes the socket.
   */
  protected async sendStream(
    res: ServerResponse,
    plan: ResponsePlan,
    contentType: string,
    frames: readonly StreamFrame[],
  ): Promise<void> {
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
    // The headers leave now, so a stream dropped before its first frame still shows the client a 200.
    res.flushHeaders();
    this.streamCounts.started += 1;
    res.once('close', () => {
      if (res.writableFinished) this.streamCounts.finished += 1;
      else if (plan.dropAfterChunks === undefined) this.streamCounts.abandoned += 1;
    });
    for (const [i, next] of framesBeforeDrop(frames, plan.dropAfterChunks).entries()) {
      if (i > 0 && this.streamChunkDelayMs > 0) await this.sleep(this.streamChunkDelayMs);
      await this.writeFlushed(res, next.wire);
    }
    if (plan.dropAfterChunks !== undefined) {
      // A plain close (FIN) after the writes were flushed, not an RST: an RST may discard bytes the client has
      // not read yet, which would make the number of chunks it sees before the error nondeterministic.
      res.socket?.destroy();
      return;
    }
    res.end();
  }

  /** A delay that close() cancels; a cancelled sleep never resolves, so the abandoned handler just stops. */
  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.prepareResponse(res);
    this.serve(req, res).catch((error: unknown) => this.fail(res, error));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.url);
    const rawBody = await readBody(req);
    const body = parseJson(rawBody);
    const headers = flattenHeaders(req);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({
      method,
      path: url.pathname,
      query: { ...query },
      headers: { ...headers },
      body: body.ok ? body.value : undefined,
      rawBody,
      at: Date.now(),
    });

    // Under a path prefix, the routes see the path without it; a path outside it matches no route.
    const path = url.pathname.startsWith(`${this.pathPrefix}/`)
      ? url.pathname.slice(this.pathPrefix.length)
      : `/outside-the-path-prefix${url.pathname}`;
    const call: IncomingCall = { method, path, query, headers, body, receivedAt };
    const fault = this.takeFault(call.path, this.isStreaming(call));
    const plan: ResponsePlan = {};
    if (fault) {
      switch (fault.kind) {
        case 'status': {
          const body = fault.body ?? this.statusFaultBody(fault.status, res);
          this.sendJson(
            res,
            fault.status,
            fault.echoHeaders ? withEchoedHeaders(body, headers) : body,
            fault.headers,
          );
          return;
        }
        case 'delay':
          await this.sleep(fault.ms);
          break;
        case 'hang':
          // Never answer; the client's timeout or close() ends the socket.
          return;
        case 'reset':
          req.socket.resetAndDestroy();
          return;
        case 'reset-mid-stream':
          plan.dropAfterChunks = fault.afterChunks;
          break;
        case 'hostile':
          await playHostile(fault.behaviour, {
            req,
            res,
            headers,
            query,
            envelope: (status) => this.statusFaultBody(status, res),
            sleep: (ms) => this.sleep(ms),
            sent: (bytes) => (this.hostileBytes += bytes),
          });
          return;
      }
    }
    await this.route(call, res, plan);
  }

  private takeFault(path: string, isStream: boolean): Fault | null {
    const index = this.queuedFaults.findIndex((fault) => faultMatches(fault, path, isStream));
    if (index >= 0) return this.queuedFaults.splice(index, 1)[0] ?? null;
    if (this.stickyFault && faultMatches(this.stickyFault, path, isStream)) return this.stickyFault;
    return null;
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const apiError = error instanceof UpstreamError ? error : this.internalError();
    this.sendJson(res, apiError.status, this.errorBody(apiError, res));
  }

  /** Resolves once the chunk reached the socket, so every frame leaves in its own write. */
  private writeFlushed(res: ServerResponse, data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      res.write(data, (error) => {
        if (error) return reject(error);
        this.streamCounts.bytesFlushed += Buffer.byteLength(data);
        resolve();
      });
    });
  }
}
