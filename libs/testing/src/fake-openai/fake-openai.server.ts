// A fake OpenAI upstream for tests and the benchmark: speaks the real wire format well enough for the official
// `openai` SDK, validates like the real API, records every request and plays scripted faults.
// Built on node:http rather than a framework because faults need the raw socket (RST, dropping mid-stream).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  FakeApiError,
  envelopeForStatus,
  incorrectApiKey,
  internalServerError,
  invalidUrl,
  malformedJson,
  missingApiKey,
  modelNotFound,
} from './fake-openai.errors';
import {
  chatCompletion,
  chatCompletionChunks,
  defaultResponder,
  embeddingsResponse,
  modelList,
  modelObject,
  resolveReply,
  type ResponseIdentity,
} from './fake-openai.payloads';
import type { ChatResponder, FakeOpenAIOptions, Fault, RecordedRequest } from './fake-openai.types';
import { isRecord, validateChatRequest, validateEmbeddingsRequest } from './fake-openai.validation';

const HOST = '127.0.0.1';
const DEFAULT_MODELS = ['gpt-5-mini', 'gpt-4o-mini', 'text-embedding-3-small'];
const MODEL_PATH_PREFIX = '/v1/models/';

type ParsedBody = { ok: true; value: unknown } | { ok: false };

/** What the fault applied to one request leaves for the normal handler to honour. */
interface ResponsePlan {
  /** Content chunks to send before dropping the connection; undefined means stream to the end. */
  dropAfterChunks?: number;
}

function randomAlphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
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
      return;
  }
}

export class FakeOpenAI {
  /** Every request received, in arrival order, including those answered by a fault. */
  readonly requests: RecordedRequest[] = [];

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly acceptsKey: (key: string) => boolean;
  private readonly models: readonly string[];
  private readonly systemFingerprint = `fp_${randomBytes(5).toString('hex')}`;
  private queuedFaults: Fault[] = [];
  private stickyFault: Fault | null = null;
  private responder: ChatResponder = defaultResponder;
  private streamChunkDelayMs = 0;
  private port = 0;
  private closed = false;

  private constructor(options: FakeOpenAIOptions) {
    const keys = options.keys;
    this.acceptsKey = keys ? (key) => keys.includes(key) : (key) => key.startsWith('sk-');
    this.models = options.models ?? DEFAULT_MODELS;
    // HTTP keep-alive is node:http's default; the sockets are tracked so close() can end idle and hung ones.
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
    const fake = new FakeOpenAI(options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(options.port ?? 0, HOST, () => {
        fake.server.off('error', reject);
        resolve();
      });
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** Base URL without `/v1`, e.g. `http://127.0.0.1:41234`. */
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
    this.responder = defaultResponder;
    this.streamChunkDelayMs = 0;
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

  setResponder(responder: ChatResponder): void {
    this.responder = responder;
  }

  setStreamChunkDelayMs(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`stream chunk delay must be >= 0 ms, got ${ms}`);
    this.streamChunkDelayMs = ms;
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

  private handle(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('x-request-id', `req_${randomBytes(16).toString('hex')}`);
    res.setHeader('openai-version', '2020-10-01');
    this.serve(req, res).catch((error: unknown) => this.fail(res, error));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.url);
    const rawBody = await readBody(req);
    const parsed = parseJson(rawBody);
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(req),
      body: parsed.ok ? parsed.value : undefined,
      rawBody,
      at: Date.now(),
    });

    const isStream = parsed.ok && isRecord(parsed.value) && parsed.value.stream === true;
    const fault = this.takeFault(url.pathname, isStream);
    const plan: ResponsePlan = {};
    if (fault) {
      switch (fault.kind) {
        case 'status':
          this.sendJson(
            res,
            fault.status,
            fault.body ?? envelopeForStatus(fault.status),
            fault.headers,
          );
          return;
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
      }
    }
    res.setHeader('openai-processing-ms', String(Date.now() - started));
    await this.route(req, res, method, url.pathname, parsed, plan);
  }

  private takeFault(path: string, isStream: boolean): Fault | null {
    const index = this.queuedFaults.findIndex((fault) => faultMatches(fault, path, isStream));
    if (index >= 0) return this.queuedFaults.splice(index, 1)[0] ?? null;
    if (this.stickyFault && faultMatches(this.stickyFault, path, isStream)) return this.stickyFault;
    return null;
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    body: ParsedBody,
    plan: ResponsePlan,
  ): Promise<void> {
    if (method === 'POST' && path === '/v1/chat/completions') {
      this.authenticate(req);
      await this.chatCompletions(res, this.requireJson(body), plan);
    } else if (method === 'POST' && path === '/v1/embeddings') {
      this.authenticate(req);
      this.sendJson(
        res,
        200,
        embeddingsResponse(validateEmbeddingsRequest(this.requireJson(body))),
      );
    } else if (method === 'GET' && path === '/v1/models') {
      this.authenticate(req);
      this.sendJson(res, 200, modelList(this.models));
    } else if (method === 'GET' && path.startsWith(MODEL_PATH_PREFIX)) {
      this.authenticate(req);
      const id = decodeURIComponent(path.slice(MODEL_PATH_PREFIX.length));
      if (!this.models.includes(id)) throw modelNotFound(id);
      this.sendJson(res, 200, modelObject(id));
    } else {
      throw invalidUrl(method, path);
    }
  }

  private authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(.*)$/i.exec(header.trim()) : null;
    if (!match) throw missingApiKey();
    const key = match[1] ?? '';
    if (!this.acceptsKey(key)) throw incorrectApiKey(key);
  }

  private requireJson(body: ParsedBody): unknown {
    if (!body.ok) throw malformedJson();
    return body.value;
  }

  private async chatCompletions(res: ServerResponse, body: unknown, plan: ResponsePlan) {
    const request = validateChatRequest(body);
    const reply = resolveReply(request, await this.responder(request), () => {
      return `call_${randomAlphanumeric(24)}`;
    });
    const identity: ResponseIdentity = {
      id: `chatcmpl-${randomAlphanumeric(29)}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      systemFingerprint: this.systemFingerprint,
    };
    if (request.stream !== true) {
      this.sendJson(res, 200, chatCompletion(identity, reply));
      return;
    }

    const includeUsage = request.stream_options?.include_usage === true;
    const { opening, content, closing } = chatCompletionChunks(identity, reply, includeUsage);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    const events = [opening, ...content.slice(0, plan.dropAfterChunks)];
    if (plan.dropAfterChunks === undefined) events.push(...closing);
    for (const [i, event] of events.entries()) {
      if (i > 0 && this.streamChunkDelayMs > 0) await this.sleep(this.streamChunkDelayMs);
      await this.writeFlushed(res, `data: ${JSON.stringify(event)}\n\n`);
    }
    if (plan.dropAfterChunks !== undefined) {
      // A plain close (FIN) after the writes were flushed, not an RST: an RST may discard bytes the client has
      // not read yet, which would make the number of chunks it sees before the error nondeterministic.
      res.socket?.destroy();
      return;
    }
    if (this.streamChunkDelayMs > 0) await this.sleep(this.streamChunkDelayMs);
    await this.writeFlushed(res, 'data: [DONE]\n\n');
    res.end();
  }

  private sendJson(
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

  private fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const apiError = error instanceof FakeApiError ? error : internalServerError();
    this.sendJson(res, apiError.status, apiError.envelope());
  }

  /** Resolves once the chunk reached the socket, so every SSE event leaves in its own write. */
  private writeFlushed(res: ServerResponse, data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      res.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** A delay that close() cancels; a cancelled sleep never resolves, so the abandoned handler just stops. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
