// Nest's NATS transport with a subject prefix, so that several deployments (and parallel test suites) share
// one NATS server without hearing each other. The prefix is added on the wire only: handlers and packets keep
// the bare subject names of libs/contracts. When tracing is on, the sender's trace context goes in the message
// headers (W3C `traceparent`) and the receiver handles the message in a span under it (message-spans.ts).
import { ClientNats, MsPattern, NatsOptions, ServerNats } from '@nestjs/microservices';
import { carrierFromHeaders, injectInto, tracingEnabled } from '@relaymesh/telemetry';
import {
  type MsgHdrs,
  type Msg,
  type NatsConnection as NatsClient,
  type Subscription,
  headers,
} from '@nats-io/transport-node';
import { handledInSpan } from './message-spans';

export interface NatsConnection {
  url: string;
  /** Prepended to every subject as `<prefix>.`; empty for none. */
  prefix: string;
  /** Shown in NATS monitoring, e.g. `relaymesh-ingress`. */
  name: string;
}

export function prefixed(prefix: string, subject: string): string {
  return prefix ? `${prefix}.${subject}` : subject;
}

/**
 * The handler route of an incoming subject. Nest's own `getRouteFromPattern` tries `JSON.parse` on every
 * subject first (patterns may be objects) and catches the exception for a plain one: an exception per message.
 * Our subjects are plain strings (libs/contracts), so only what looks like JSON is handed to Nest.
 */
export function routeOfSubject(
  pattern: string,
  parseJsonPattern: (pattern: string) => string,
): string {
  const first = pattern.charCodeAt(0);
  return first === 0x7b /* { */ || first === 0x5b /* [ */ ? parseJsonPattern(pattern) : pattern;
}

function natsOptions(connection: NatsConnection): NonNullable<NatsOptions['options']> {
  return {
    servers: connection.url,
    name: connection.name,
    // Keep trying for ever, from the first connect on: an app started before NATS waits for it, and one that
    // loses NATS reconnects by itself.
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // nats.js otherwise builds an Error per request (and per timer) for a stack trace that is only read if the
    // request fails: two stack captures on every usage publish.
    noAsyncTraces: true,
  };
}

export class PrefixedNatsServer extends ServerNats {
  private readonly prefixedSubscriptions: Subscription[] = [];

  constructor(private readonly connection: NatsConnection) {
    super(natsOptions(connection));
  }

  override bindEvents(client: NatsClient): void {
    for (const [pattern, handler] of this.messageHandlers) {
      const queue = handler.extras?.['queue'] as string | undefined;
      this.prefixedSubscriptions.push(
        client.subscribe(prefixed(this.connection.prefix, pattern), {
          queue,
          callback: this.getMessageHandler(pattern).bind(this) as never,
        }),
      );
    }
  }

  override getRouteFromPattern(pattern: string): string {
    return routeOfSubject(pattern, (json) => super.getRouteFromPattern(json));
  }

  override handleMessage(channel: string, natsMsg: Msg): Promise<unknown> {
    if (!tracingEnabled()) return super.handleMessage(channel, natsMsg);
    return handledInSpan(
      channel,
      carrierFromHeaders(natsMsg.headers),
      !natsMsg.reply,
      'nats',
      () => super.handleMessage(channel, natsMsg) as Promise<unknown>,
    );
  }

  override async close(): Promise<void> {
    this.prefixedSubscriptions.splice(0).forEach((sub) => sub.unsubscribe());
    await super.close();
  }
}

export class PrefixedNatsClient extends ClientNats {
  constructor(private readonly connection: NatsConnection) {
    super(natsOptions(connection));
  }

  protected override normalizePattern(pattern: MsPattern): string {
    return prefixed(this.connection.prefix, super.normalizePattern(pattern));
  }

  /** Publishes an event without the RxJS pipeline of `emit` (see EventPublisher). */
  publishEvent(subject: string, data: unknown): Promise<void> {
    return this.dispatchEvent({ pattern: subject, data });
  }

  /** Called as each request or event is sent, in the sender's context: adds its trace context. */
  protected override mergeHeaders<THeaders = MsgHdrs>(
    requestHeaders?: THeaders,
  ): MsgHdrs | undefined {
    const merged = super.mergeHeaders(requestHeaders) as MsgHdrs | undefined;
    if (!tracingEnabled()) return merged;
    const withTrace = merged ?? headers();
    return injectInto(withTrace) ? withTrace : merged;
  }
}
