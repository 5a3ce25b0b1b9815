// The one typed API the apps use to talk to each other: `emit(KeyChanged, payload)` and
// `request(KeyLookup, payload)` compile only with the payload their contract declares, and replies are
// validated against the contract before they are trusted.
import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import {
  EventContract,
  EventPayload,
  ReplyPayload,
  RequestContract,
  RequestPayload,
  parsePayload,
} from '@relaymesh/contracts';
import { tracingEnabled } from '@relaymesh/telemetry';
import { Observable, lastValueFrom, timeout } from 'rxjs';

export abstract class MessageBus {
  abstract emit<E extends EventContract>(event: E, payload: EventPayload<E>): void;
  abstract request<R extends RequestContract>(
    request: R,
    payload: RequestPayload<R>,
    options?: { timeoutMs?: number },
  ): Promise<ReplyPayload<R>>;
  abstract isConnected(): boolean;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** The part of a Nest ClientProxy the bus uses (NATS and in-process clients both fit it). */
export type BusClient = Pick<ClientProxy, 'connect' | 'close' | 'emit' | 'send'> & {
  readonly status: Observable<string>;
};

/**
 * A client that can publish an event directly. Nest's `ClientProxy.emit` builds an RxJS pipeline per call
 * (defer, mergeMap, a connectable Subject) that a fire-and-forget event sent on every upstream attempt does
 * not need; our two clients expose their `dispatchEvent` (same serializer, same wire) as `publishEvent`.
 */
export interface EventPublisher {
  publishEvent(subject: string, data: unknown): Promise<void>;
}

function isEventPublisher(client: unknown): client is EventPublisher {
  return typeof (client as Partial<EventPublisher>).publishEvent === 'function';
}

/** A request that got no usable answer: no responder, a timeout, or an error raised by the handler. */
export class BusRequestError extends Error {
  constructor(
    readonly subject: string,
    readonly reason: string,
  ) {
    super(`${subject}: ${reason}`);
  }
}

export class ClientProxyBus extends MessageBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('MessageBus');
  private connected = false;
  /** Events emitted during this turn of the event loop, published together at its end. */
  private readonly queued: { subject: string; payload: unknown }[] = [];

  constructor(private readonly client: BusClient) {
    super();
    client.status.subscribe((status) => {
      this.connected = status === 'connected';
    });
  }

  async onModuleInit(): Promise<void> {
    await this.client.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.publishQueued();
    await this.client.close();
  }

  isConnected(): boolean {
    return this.connected;
  }

  emit<E extends EventContract>(event: E, payload: EventPayload<E>): void {
    // Once connected, straight to the wire at the end of this event-loop turn, together with every other event
    // of the turn (one write to NATS for all of them); before that, Nest's emit waits for the connection. With
    // tracing on, each event leaves at once: its trace context is the sender's, read as it is published.
    if (this.connected && isEventPublisher(this.client)) {
      if (tracingEnabled()) {
        this.client
          .publishEvent(event.subject, payload)
          .catch((err: unknown) =>
            this.logger.warn(`emit ${event.subject} failed: ${describe(err)}`),
          );
      } else if (this.queued.push({ subject: event.subject, payload }) === 1) {
        setImmediate(() => this.publishQueued());
      }
      return;
    }
    this.client.emit(event.subject, payload).subscribe({
      error: (err: unknown) => this.logger.warn(`emit ${event.subject} failed: ${describe(err)}`),
    });
  }

  private publishQueued(): void {
    const client = this.client as BusClient & EventPublisher;
    for (const { subject, payload } of this.queued.splice(0)) {
      client
        .publishEvent(subject, payload)
        .catch((err: unknown) => this.logger.warn(`emit ${subject} failed: ${describe(err)}`));
    }
  }

  async request<R extends RequestContract>(
    request: R,
    payload: RequestPayload<R>,
    options: { timeoutMs?: number } = {},
  ): Promise<ReplyPayload<R>> {
    let reply: unknown;
    try {
      reply = await lastValueFrom(
        this.client
          .send(request.subject, payload)
          .pipe(timeout(options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)),
      );
    } catch (err) {
      throw new BusRequestError(request.subject, describe(err));
    }
    return parsePayload(`${request.subject} (reply)`, request.reply, reply) as ReplyPayload<R>;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'message' in err) return String(err.message);
  return JSON.stringify(err);
}
