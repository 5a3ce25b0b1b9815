// Wires the transport of this process: NATS (distributed mode) or the in-process broker (embedded mode).
// Apps see only MessageBus (to send) and Nest's handler decorators (to receive).
import { DynamicModule, Global, Module } from '@nestjs/common';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { readiness } from '@relaymesh/telemetry';
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
  return transport.kind === 'nats'
    ? new PrefixedNatsServer(transport)
    : new InProcessServer(transport.broker);
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
