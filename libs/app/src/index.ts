// How an app starts (ARCHITECTURE: libs/app): the entry points' runner and its failure report, the
// Nest-on-Fastify runner with the app's handlers connected to the transport, the environment fragments every
// app's `config/<app>.env.ts` composes (NATS, log level, database), and the declarative config file applied at
// start. Apart from libs/messaging, which stays the
// transport and nothing else, and from libs/contracts, which stays the messages.
export { logLevelsFrom, runApp } from './app-runner';
export type { AppRunOptions } from './app-runner';
export { InvalidEnvironmentError, commonEnvShape, databaseEnvShape, parseEnv } from './env';
export { runMain, startFailureMessage } from './main-runner';
export type { EnvSource } from './env';
export {
  DeclarativeConfigError,
  DeclarativeConfigSchema,
  parseDeclarativeConfig,
} from './declarative-config';
export type { DeclarativeConfig } from './declarative-config';
