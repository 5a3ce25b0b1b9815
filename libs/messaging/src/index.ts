export * from './handlers';
export * from './in-process.broker';
export * from './in-process.transport';
export * from './message-bus';
export * from './messaging.module';
export * from './nats.transport';
export * from './app-runner';
export * from './env';
