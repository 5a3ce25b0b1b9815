// A deliberately hostile upstream (issue 15, "beyond the list"): answers no honest provider sends, each one a
// way a gateway that trusts its upstream runs out of memory, crashes, leaks a key or relays garbage as success.
// Played by any fake as a `hostile` fault (see Fault). Bodies of any size are made as they are sent, one 64 KiB
// chunk at a time and only when the socket takes it (backpressure), so the fake never holds them: a 300 MB answer
// costs the test process nothing. Answers that break HTTP itself (a 101, a bare CR in a header) are written
// straight to the socket, since node:http refuses to send them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { HostileBehaviour } from './fake-upstream.types';

const CHUNK = 64 * 1024;

export interface HostileContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request's headers (lower-case names) and query: what a key echo sends back. */
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The fake's own error envelope for a status, with `error.message` to overwrite. */
  envelope: (status: number) => unknown;
  /** A delay the fake's close() cancels. */
  sleep: (ms: number) => Promise<void>;
  /** Counts the body bytes the socket took. */
  sent: (bytes: number) => void;
}

export async function playHostile(behaviour: HostileBehaviour, ctx: HostileContext): Promise<void> {
  const { res } = ctx;
  switch (behaviour.kind) {
    case 'huge-json':
      // An answer that opens like a chat completion and whose content never ends (within `bytes`).
      res.writeHead(200, { 'content-type': 'application/json' });
      await writeLazily(
        ctx,
        '{"id":"chatcmpl-hostile","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"',
        behaviour.bytes,
        '"}}]}',
      );
      return;
    case 'endless-line':
      // A stream whose first line never ends: a parser that waits for the newline holds all of it.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      await writeLazily(
        ctx,
        `${behaviour.prelude ?? ''}${behaviour.notSse ? '' : 'data: '}{"choices":[{"delta":{"content":"`,
        behaviour.bytes,
        '',
      );
      return;
    case 'json-bomb':
      res.writeHead(200, { 'content-type': 'application/json' });
      await writeBomb(ctx, behaviour.shape, behaviour.bytes);
      return;
    case 'status-only':
      // A 3xx without Location, a 204, a 304: a status below 400 with nothing to relay.
      res.writeHead(behaviour.status, behaviour.headers ?? {});
      res.end();
      return;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>');
      return;
    case 'gzip': {
      // A valid answer, compressed although the gateway never asked for it; labelled as encoded or not.
      const body = gzipSync(
        JSON.stringify({
          id: 'chatcmpl-gzip',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'zipped' } }],
        }),
      );
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(body.length),
        ...(behaviour.labelled ? { 'content-encoding': 'gzip' } : {}),
      });
      res.end(body);
      return;
    }
    case 'invalid-utf8': {
      const body = Buffer.concat([
        Buffer.from(
          '{"id":"chatcmpl-utf8","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"',
        ),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
        Buffer.from('"}}]}'),
      ]);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(body.length),
      });
      res.end(body);
      return;
    }
    case 'key-echo': {
      // An error whose message quotes the credentials the request carried, as some proxies and providers do.
      const credentials = [
        ctx.headers['authorization'],
        ctx.headers['x-api-key'],
        ctx.headers['x-goog-api-key'],
        ctx.query['key'],
      ].filter((value) => value !== undefined);
      const envelope = ctx.envelope(behaviour.status) as { error?: { message?: string } };
      if (envelope.error) {
        envelope.error.message = `Invalid request; it was sent with: ${credentials.join(', ')}`;
      }
      const payload = JSON.stringify(envelope);
      res.writeHead(behaviour.status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(payload)),
      });
      res.end(payload);
      return;
    }
    case 'drip': {
      // Headers at once, then one byte at a time, never finishing: only a deadline on the whole answer (or on
      // the first event of a stream) ends it.
      res.writeHead(200, { 'content-type': behaviour.contentType });
      res.flushHeaders();
      const byte = behaviour.contentType.includes('event-stream') ? ':' : ' ';
      while (!res.destroyed) {
        res.write(byte);
        ctx.sent(1);
        await ctx.sleep(behaviour.everyMs);
      }
      return;
    }
    case 'informational':
      // 101 to a request that asked for no upgrade, or a 1xx and then nothing: undici's parser sees these only
      // from a broken or malicious server.
      writeRaw(ctx, `HTTP/1.1 ${behaviour.status} ${INFORMATIONAL[behaviour.status]}\r\n\r\n`);
      await ctx.sleep(50);
      ctx.req.socket.destroy();
      return;
    case 'bad-header':
      writeRaw(ctx, BAD_HEADERS[behaviour.variant]);
      await ctx.sleep(50);
      ctx.req.socket.destroy();
      return;
  }
}

const INFORMATIONAL: Record<100 | 101 | 102 | 103, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  102: 'Processing',
  103: 'Early Hints',
};

const OK_BODY = '{"id":"x","object":"chat.completion","choices":[]}';

const BAD_HEADERS: Record<'bare-cr' | 'lf-only' | 'oversized' | 'folded', string> = {
  // A CR not followed by LF, smuggling a second header into the first one's value.
  'bare-cr': `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-note: a\rset-cookie: smuggled=1\r\ncontent-length: ${OK_BODY.length}\r\n\r\n${OK_BODY}`,
  'lf-only': `HTTP/1.1 200 OK\ncontent-type: application/json\ncontent-length: ${OK_BODY.length}\n\n${OK_BODY}`,
  // 1 MB of header: more than any HTTP client takes.
  oversized: `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-padding: ${'a'.repeat(1024 * 1024)}\r\ncontent-length: ${OK_BODY.length}\r\n\r\n${OK_BODY}`,
  // obs-fold, deprecated by RFC 7230.
  folded: `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-note: a\r\n folded\r\ncontent-length: ${OK_BODY.length}\r\n\r\n${OK_BODY}`,
};

function writeRaw(ctx: HostileContext, text: string): void {
  // node:http has not written anything yet: the socket is the fake's to write on.
  ctx.req.socket.write(text);
}

/** Writes `head`, then filler up to `total` bytes, then `tail`, one chunk per socket drain. */
async function writeLazily(
  ctx: HostileContext,
  head: string,
  total: number,
  tail: string,
): Promise<void> {
  const filler = Buffer.alloc(CHUNK, 0x61);
  if (!(await write(ctx, Buffer.from(head)))) return;
  for (let sent = head.length; sent < total; sent += CHUNK) {
    if (!(await write(ctx, filler))) return;
  }
  ctx.res.end(tail);
}

/** `{"a":[[[[...]]]]}` nested as deep as `bytes` allows, or `{"a":[{},{},...]}` as wide. */
async function writeBomb(
  ctx: HostileContext,
  shape: 'deep' | 'wide',
  bytes: number,
): Promise<void> {
  const count = Math.floor(bytes / (shape === 'deep' ? 2 : 3));
  const opening = Buffer.alloc(CHUNK, shape === 'deep' ? '[' : '{},');
  const closing = Buffer.alloc(CHUNK, ']');
  if (!(await write(ctx, Buffer.from('{"a":[')))) return;
  const chunks = Math.ceil(count / (shape === 'deep' ? CHUNK : CHUNK / 3));
  for (let i = 0; i < chunks; i++) {
    const chunk = shape === 'deep' ? opening : opening.subarray(0, CHUNK - (CHUNK % 3));
    if (!(await write(ctx, chunk))) return;
  }
  if (shape === 'deep') {
    for (let i = 0; i < chunks; i++) if (!(await write(ctx, closing))) return;
  }
  ctx.res.end(shape === 'deep' ? ']}' : '{}]}');
}

/** Resolves true once the socket took `chunk`, false when the client went away first. */
function write(ctx: HostileContext, chunk: Buffer): Promise<boolean> {
  const { res } = ctx;
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => resolve(false);
    res.once('close', onClose);
    res.write(chunk, (error) => {
      res.off('close', onClose);
      if (error) return resolve(false);
      ctx.sent(chunk.length);
      resolve(true);
    });
  });
}
