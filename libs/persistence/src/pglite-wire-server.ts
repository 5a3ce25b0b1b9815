// Serves one PGlite database to many Postgres wire-protocol connections on a loopback port, for embedded mode.
//
// Why not pglite-socket's server: PGlite has a single session, and pglite-socket hands it the messages of all
// connections one message at a time, keeping a connection's messages together only inside an explicit
// transaction. node-postgres sends every parameterised query as Parse, Bind, Describe, Execute, Sync; when two
// connections do that at once, their messages interleave and one's Bind meets the other's unnamed statement
// ("bind message supplies 6 parameters, but prepared statement requires 4", "unnamed prepared statement does
// not exist"). Here a connection's messages run as one unit up to the message that ends a query (Sync, Query),
// and while a unit leaves an explicit transaction open, only that connection's units run until it ends.
//
// PGlite runs inside this process, so nothing a connection sends may stop it: framing is checked before a
// message is queued, what PGlite cannot serve is refused with a Postgres error (wire-protocol.ts says why), and
// a unit that fails inside PGlite costs its connection, never the process (pglite#1046's second defect: one
// throw there stopped every later query).
import type { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { Server, Socket, createServer } from 'node:net';
import {
  SQLSTATE,
  errorResponse,
  frameMessage,
  frameStartup,
  readyForQuery,
  refusalOf,
} from './wire-protocol';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Message types after which the backend answers and the session may change hands. */
const UNIT_END = new Set(['S', 'Q', 'H']);
const TERMINATE = 'X';

interface Unit {
  connection: Connection;
  messages: Buffer[];
  /** Answered with this error instead of being run (wire-protocol.ts refusalOf). */
  refusal: string | null;
}

class Connection {
  buffer: Buffer = Buffer.alloc(0);
  pending: Buffer[] = [];
  started = false;
  closed = false;
  /** After a refused unit that ended in Flush: later messages are dropped until Sync, as Postgres does. */
  skippingToSync = false;

  constructor(readonly socket: Socket) {}

  write(data: Uint8Array): void {
    if (!this.closed && this.socket.writable) this.socket.write(data);
  }
}

export class PGliteWireServer {
  private readonly logger = new Logger('EmbeddedPostgres');
  private readonly server: Server;
  private readonly queue: Unit[] = [];
  private readonly tasks: { what: string; task: () => Promise<unknown> }[] = [];
  private readonly connections = new Set<Connection>();
  /** The connection whose explicit transaction is open: only its units may run. */
  private owner: Connection | null = null;
  private running = false;

  constructor(private readonly db: PGlite) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on 127.0.0.1; resolves with the port (0 picks a free one). */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new Connection(socket);
    this.connections.add(connection);
    socket.on('data', (chunk) => this.receive(connection, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.drop(connection));
  }

  /** Splits the byte stream into messages and queues them as units. */
  private receive(connection: Connection, chunk: Buffer): void {
    connection.buffer =
      connection.buffer.length === 0 ? chunk : Buffer.concat([connection.buffer, chunk]);
    while (!connection.closed) {
      const buffer = connection.buffer;
      const framing = connection.started ? frameMessage(buffer) : frameStartup(buffer);
      if (framing.kind === 'incomplete') return;
      if (framing.kind === 'fault') {
        // The stream cannot be resynchronised: Postgres closes such a connection too.
        this.refuseConnection(connection, framing.reason);
        return;
      }
      const message = buffer.subarray(0, framing.bytes);
      connection.buffer = buffer.subarray(framing.bytes);
      if (!connection.started) {
        const code = message.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          connection.write(Buffer.from('N'));
        } else if (code !== CANCEL_REQUEST) {
          connection.started = true;
          this.enqueue({ connection, messages: [message], refusal: null });
        }
        continue;
      }
      if (framing.type === TERMINATE) {
        connection.socket.end();
        return;
      }
      connection.pending.push(message);
      if (UNIT_END.has(framing.type)) {
        const messages = connection.pending;
        connection.pending = [];
        const refusal = messages.map(refusalOf).find((reason) => reason !== null) ?? null;
        this.enqueue({ connection, messages, refusal });
      }
    }
  }

  /** A framing fault: a fatal error to the client, then the connection is closed. */
  private refuseConnection(connection: Connection, reason: string): void {
    this.logger.warn(`closing a connection: ${reason}`);
    connection.write(errorResponse('FATAL', SQLSTATE.protocolViolation, reason));
    connection.socket.end();
    this.drop(connection);
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    void this.run();
  }

  /**
   * Runs `task` on the session between two units while no transaction is open (maintenance: VACUUM cannot run
   * inside one, and must not run inside a client's). A failure is logged, never thrown.
   */
  runWhenIdle(what: string, task: () => Promise<unknown>): void {
    this.tasks.push({ what, task });
    void this.run();
  }

  /** Runs queued units one at a time, the transaction owner's first. Never rejects. */
  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        if (this.owner?.closed) {
          // Its connection went away mid-transaction. Not through runExclusive: exec takes the same mutex.
          await this.rollBack();
          this.owner = null;
        }
        if (this.owner === null && this.tasks.length > 0) {
          const { what, task } = this.tasks.shift()!;
          await task().catch((err: unknown) =>
            this.logger.error(`${what} failed in the embedded database: ${describe(err)}`),
          );
          continue;
        }
        const index =
          this.owner === null ? 0 : this.queue.findIndex((u) => u.connection === this.owner);
        if (index < 0 || this.queue.length === 0) return;
        const [unit] = this.queue.splice(index, 1);
        await this.execute(unit);
      }
    } finally {
      this.running = false;
    }
  }

  private async execute(unit: Unit): Promise<void> {
    const { connection, messages } = unit;
    if (connection.closed) return;
    if (unit.refusal !== null || connection.skippingToSync) {
      this.refuse(unit);
      return;
    }
    // The unit's messages go into PGlite in one call (its main loop reads message after message until the input
    // is used up, as Postgres reads a socket), and its answers leave in one socket write: per message, each call
    // paid PGlite's entry and flush, and each flush was a write of its own (5 per parameterised query).
    const input = messages.length === 1 ? messages[0] : Buffer.concat(messages);
    connection.socket.cork();
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(input, {
          // A view into PGlite's WebAssembly memory, which the next answer overwrites: copied, as the corked
          // socket holds it until the unit is done.
          onRawData: (data) => connection.write(Buffer.from(data)),
        }),
      );
      this.owner = this.db.isInTransaction() ? connection : null;
    } catch (err) {
      // A fault inside PGlite: the session's state is unknown, so the connection goes (its pool opens another)
      // and so does any transaction it left open; the process and every other connection carry on.
      this.logger.error(`a query failed inside the embedded database: ${describe(err)}`);
      connection.write(
        errorResponse('FATAL', SQLSTATE.internalError, 'internal error in the embedded database'),
      );
      connection.socket.end();
      this.drop(connection);
      if (this.owner === connection || this.inTransaction()) await this.rollBack();
      this.owner = null;
    } finally {
      connection.socket.uncork();
    }
  }

  /** Answers a refused unit as Postgres answers a failed one: the error, then ReadyForQuery at its Sync. */
  private refuse({ connection, messages, refusal }: Unit): void {
    if (refusal !== null && !connection.skippingToSync) {
      connection.write(errorResponse('ERROR', SQLSTATE.featureNotSupported, refusal));
    }
    const last = String.fromCharCode(messages[messages.length - 1][0]);
    connection.skippingToSync = last === 'H';
    if (last !== 'H') connection.write(readyForQuery(this.owner === connection ? 'T' : 'I'));
  }

  private inTransaction(): boolean {
    try {
      return this.db.isInTransaction();
    } catch {
      return false;
    }
  }

  private async rollBack(): Promise<void> {
    try {
      await this.db.exec('ROLLBACK');
    } catch (err) {
      this.logger.error(`rolling back a dropped connection's transaction failed: ${describe(err)}`);
    }
  }

  /** A connection gone mid-transaction must not hold the session: its transaction is rolled back. */
  private drop(connection: Connection): void {
    connection.closed = true;
    this.connections.delete(connection);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].connection === connection) this.queue.splice(i, 1);
    }
    // The run loop rolls back a closed owner's transaction before anything else runs.
    if (this.owner === connection) void this.run();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
