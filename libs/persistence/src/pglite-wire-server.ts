// Serves one PGlite database to many Postgres wire-protocol connections on a loopback port, for embedded mode.
//
// Why not pglite-socket's server: PGlite has a single session, and pglite-socket hands it the messages of all
// connections one message at a time, keeping a connection's messages together only inside an explicit
// transaction. node-postgres sends every parameterised query as Parse, Bind, Describe, Execute, Sync; when two
// connections do that at once, their messages interleave and one's Bind meets the other's unnamed statement
// ("bind message supplies 6 parameters, but prepared statement requires 4", "unnamed prepared statement does
// not exist"). Here a connection's messages run as one unit up to the message that ends a query (Sync, Query),
// and while a unit leaves an explicit transaction open, only that connection's units run until it ends.
import type { PGlite } from '@electric-sql/pglite';
import { Server, Socket, createServer } from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Message types after which the backend answers and the session may change hands. */
const UNIT_END = new Set(['S', 'Q', 'H']);
const TERMINATE = 'X';

interface Unit {
  connection: Connection;
  messages: Buffer[];
}

class Connection {
  buffer = Buffer.alloc(0);
  pending: Buffer[] = [];
  started = false;
  closed = false;

  constructor(readonly socket: Socket) {}

  write(data: Uint8Array): void {
    if (!this.closed && this.socket.writable) this.socket.write(data);
  }
}

export class PGliteWireServer {
  private readonly server: Server;
  private readonly queue: Unit[] = [];
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
    connection.buffer = Buffer.concat([connection.buffer, chunk]);
    for (;;) {
      const buffer = connection.buffer;
      if (!connection.started) {
        // Startup-phase messages have no type byte: length, then a request code or protocol version.
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (buffer.length < length) return;
        connection.buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          connection.write(Buffer.from('N'));
        } else if (code !== CANCEL_REQUEST) {
          connection.started = true;
          this.enqueue({ connection, messages: [buffer.subarray(0, length)] });
        }
        continue;
      }
      if (buffer.length < 5) return;
      const total = 1 + buffer.readInt32BE(1);
      if (buffer.length < total) return;
      const type = String.fromCharCode(buffer[0]);
      const message = buffer.subarray(0, total);
      connection.buffer = buffer.subarray(total);
      if (type === TERMINATE) {
        connection.socket.end();
        return;
      }
      connection.pending.push(message);
      if (UNIT_END.has(type)) {
        this.enqueue({ connection, messages: connection.pending });
        connection.pending = [];
      }
    }
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    void this.run();
  }

  /** Runs queued units one at a time, the transaction owner's first. */
  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        if (this.owner?.closed) {
          // Its connection went away mid-transaction. Not through runExclusive: exec takes the same mutex.
          await this.db.exec('ROLLBACK');
          this.owner = null;
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

  private async execute({ connection, messages }: Unit): Promise<void> {
    if (connection.closed) return;
    await this.db.runExclusive(async () => {
      for (const message of messages) {
        await this.db.execProtocolRawStream(new Uint8Array(message), {
          onRawData: (data) => connection.write(data),
        });
      }
    });
    this.owner = this.db.isInTransaction() ? connection : null;
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
