// Wires the transport of this process: NATS (distributed mode) or the in-process broker (embedded mode).
// Apps see only MessageBus (to send) and Nest's handler decorators (to receive).
import { DynamicModule, Global, Module } from '@nestjs/common';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { readiness } from '@relaymesh/telemetry';
import { Observable } from 'rxjs';
import { DurableChannel } from './durable';
import { InProcessBroker } from './in-process.broker';
import { InProcessDurableChannel } from './in-process.durable';
import { JetStreamChannel } from './jetstream.durable';
import { InProcessClient, InProcessServer } from './in-process.transport';
import { BusClient, ClientProxyBus, MessageBus } from './message-bus';
import { NatsConnection, PrefixedNatsClient, PrefixedNatsServer } from './nats.transport';

export type TransportConfig =
  | ({ kind: 'nats' } & NatsConnection)
  | { kind: 'in-process'; broker: InProcessBroker; name: string };

function createClient(transport: TransportConfig): BusClient {
  return transport.kind === 'nats'
    ? new PrefixedNatsClient(transport)
    : new InProcessClient(transport.broker);
}

/** The server strategy to pass to `app.connectMicroservice({ strategy })`. */
export function createServerStrategy(transport: TransportConfig): CustomTransportStrategy {
  if (transport.kind !== 'nats') return new InProcessServer(transport.broker);
  // The handlers' connection is not the client's: /readyz asks after both, so an app that can send but no
  // longer hears its subjects is not called ready.
  const server = new PrefixedNatsServer(transport);
  let listening = false;
  // Nest's NatsStatus is a const enum (not importable under isolated modules): its values are these strings.
  (server.status as Observable<string>).subscribe((status) => (listening = status === 'connected'));
  readiness.register(`${transport.name}:bus-handlers`, () => listening);
  return server;
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(transport: TransportConfig): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: MessageBus,
          useFactory: () => {
            const bus = new ClientProxyBus(createClient(transport));
            readiness.register(
              `${transport.name}:bus`,
              () => bus.isConnected(),
              // The in-process bus of embedded mode is no outside dependency.
              transport.kind === 'nats' ? { app: transport.name, dependency: 'nats' } : undefined,
            );
            return bus;
          },
        },
        {
          provide: DurableChannel,
          useFactory: () =>
            transport.kind === 'nats'
              ? new JetStreamChannel(transport)
              : InProcessDurableChannel.for(transport.broker),
        },
      ],
      exports: [MessageBus, DurableChannel],
    };
  }
}
