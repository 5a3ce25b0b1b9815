// When a request is refused before its body was read (413 over RELAYMESH_MAX_BODY_BYTES, broken JSON), Fastify
// answers with `Connection: close` and Node destroys the socket as soon as the answer is written. The client is
// usually still uploading, so its next write meets a closed socket: the kernel answers with a reset and the
// client reports EPIPE / "fetch failed" instead of the 413 it was sent. The fix is the "lingering close" of
// nginx and Apache: send the answer, half-close (FIN), and keep reading and discarding what the client still
// sends — nothing is buffered — until it stops or LINGER_MS has passed.
import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

const LINGER_MS = 2_000;

/** A Fastify `onSend` hook: arms the lingering close on answers that end the connection mid-upload. */
export function lingerOnEarlyClose(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (err: Error | null, payload: unknown) => void,
): void {
  const raw = request.raw;
  if (reply.getHeader('connection') === 'close' && !raw.complete) {
    const socket = raw.socket;
    // Node calls destroySoon() when the last response on a closing connection is flushed.
    socket.destroySoon = () => {
      socket.end();
      raw.resume();
      destroyAfterLinger(socket);
    };
  }
  done(null, payload);
}

/**
 * Ends a connection whose answer was written (half-close) and discards what the client still sends, so the
 * kernel has no unread bytes to answer with a reset that would take the answer with it: for requests node's
 * parser refused (client-error.ts), whose unread head or body the parser will not consume.
 */
export function lingeringEnd(socket: Duplex, answer: string): void {
  // node's parser stops being fed: what arrives now is discarded, not parsed (nor buffered).
  socket.removeAllListeners('data');
  socket.on('data', () => undefined);
  socket.end(answer);
  socket.resume();
  destroyAfterLinger(socket);
}

/**
 * The socket closes by itself once the client closes its side and the answer is flushed (node does that for an
 * ended socket), or is destroyed after LINGER_MS whatever the client does.
 */
function destroyAfterLinger(socket: Duplex): void {
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
