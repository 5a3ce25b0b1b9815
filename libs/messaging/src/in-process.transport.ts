// Nest's microservice plumbing over the InProcessBroker: a server strategy that subscribes every
// @MessagePattern/@EventPattern handler, and a ClientProxy that publishes and requests through the broker. The
// trace context travels in the message headers exactly as on NATS (nats.transport.ts), so embedded mode's traces
// have the same shape as the distributed mode's.
import {
  BaseRpcContext,
  ClientProxy,
  CustomTransportStrategy,
  ReadPacket,
  Server,
  WritePacket,
} from '@nestjs/microservices';
import { traceCarrier } from '@relaymesh/telemetry';
import { InProcessBroker, MessageHeaders } from './in-process.broker';
import { handledInSpan } from './message-spans';
import { routeOfSubject } from './nats.transport';

export const IN_PROCESS_TRANSPORT = Symbol('in-process');

export class InProcessServer extends Server implements CustomTransportStrategy {
  override readonly transportId = IN_PROCESS_TRANSPORT;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  listen(callback: () => void): void {
    for (const [pattern, handler] of this.messageHandlers) {
      const queue = handler.extras?.['queue'] as string | undefined;
      const context = new BaseRpcContext([pattern]);
      const handle = async (data: unknown): Promise<unknown> => {
        if (handler.isEventHandler) {
          await this.handleEvent(pattern, { pattern, data }, context);
          return undefined;
        }
        const result$ = this.transformToObservable((await handler(data, context)) as unknown);
        return new Promise((resolve, reject) => {
          let last: unknown;
          result$.subscribe({
            next: (value) => (last = value),
            error: (err: unknown) =>
              reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
            complete: () => resolve(last),
          });
        });
      };
      const deliver = (data: unknown, headers: MessageHeaders | null): Promise<unknown> =>
        handledInSpan(pattern, headers, handler.isEventHandler === true, 'in-process', () =>
          handle(data),
        );
      this.unsubscribers.push(this.broker.subscribe(pattern, deliver, queue));
    }
    callback();
  }

  override getRouteFromPattern(pattern: string): string {
    return routeOfSubject(pattern, (json) => super.getRouteFromPattern(json));
  }

  close(): void {
    this.unsubscribers.splice(0).forEach((unsubscribe) => unsubscribe());
  }

  on(): never {
    throw new Error('the in-process transport has no status events');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }
}

export class InProcessClient extends ClientProxy {
  constructor(private readonly broker: InProcessBroker) {
    super();
    this._status$.next('connected');
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}

  unwrap<T>(): T {
    return this.broker as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    this.broker
      .request(this.normalizePattern(packet.pattern as string), packet.data, traceCarrier())
      .then(
        (response) => callback({ response, isDisposed: true }),
        (err: unknown) => callback({ err, isDisposed: true }),
      );
    return () => undefined;
  }

  /** Publishes an event without the RxJS pipeline of `emit` (see EventPublisher). */
  publishEvent(subject: string, data: unknown): Promise<void> {
    return this.dispatchEvent({ pattern: subject, data });
  }

  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    this.broker.publish(
      this.normalizePattern(packet.pattern as string),
      packet.data,
      traceCarrier(),
    );
    return Promise.resolve(undefined as T);
  }
}
