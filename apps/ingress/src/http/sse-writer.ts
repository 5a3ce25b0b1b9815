// Writes a server-sent-event stream to the client over the raw Node response: headers once, then each
// event as soon as it is ready (no batching), honouring backpressure so a slow reader slows the upstream
// read instead of growing a buffer here.
import { ingressInFlightStreams } from '@relaymesh/telemetry';
import type { DataPlaneReply } from './exchange';
import { once } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';

export class SseWriter {
  private started = false;

  constructor(
    private readonly reply: DataPlaneReply,
    private readonly contentType = 'text/event-stream; charset=utf-8',
  ) {}

  get committed(): boolean {
    return this.started;
  }

  /** Whether the client went away (then the upstream call should be cancelled). */
  get closed(): boolean {
    return this.reply.raw.destroyed || this.reply.raw.writableEnded;
  }

  async write(event: string): Promise<void> {
    if (event === '' || this.closed) return;
    if (!this.started) this.start();
    if (!this.reply.raw.write(event)) {
      await Promise.race([once(this.reply.raw, 'drain'), once(this.reply.raw, 'close')]);
    }
  }

  end(): void {
    if (!this.started) this.start();
    if (!this.closed) this.reply.raw.end();
  }

  private start(): void {
    this.started = true;
    ingressInFlightStreams.inc();
    this.reply.raw.once('close', () => ingressInFlightStreams.dec());
    this.reply.hijack();
    const headers = this.reply.getHeaders() as OutgoingHttpHeaders;
    this.reply.raw.writeHead(200, {
      ...headers,
      'content-type': this.contentType,
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  }
}
