// How every app starts, in its own process or inside the embedded one: a Nest app on Fastify with the app's
// handlers connected to the transport. `listenPort: null` (embedded mode, all but ingress) skips HTTP: the
// process's single HTTP server is ingress's, which also serves the process-wide /healthz, /readyz, /metrics.
import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { recordBuildInfo, shutdownTracing } from '@relaymesh/telemetry';
import { TransportConfig, createServerStrategy } from '@relaymesh/messaging';

export interface AppRunOptions {
  transport: TransportConfig;
  listenPort: number | null;
  host?: string;
  logLevels?: LogLevel[];
  /** Options for Fastify (body limit, timeouts) where the app serves HTTP. */
  fastify?: ConstructorParameters<typeof FastifyAdapter>[0];
  /** Standalone processes close on SIGTERM themselves; the embedded launcher orders the shutdown itself. */
  shutdownHooks?: boolean;
  /** Filters, hooks and handlers, set before the routes are registered. */
  configure?: (app: NestFastifyApplication) => void;
}

export async function runApp(
  module: Parameters<typeof NestFactory.create>[0],
  options: AppRunOptions,
) {
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter(options.fastify),
    { logger: options.logLevels ?? ['log', 'warn', 'error', 'fatal'], bufferLogs: false },
  );
  options.configure?.(app);
  // The transport is named after the app: `relaymesh_build_info{app}` says which apps run in this process.
  recordBuildInfo(options.transport.name);
  app.connectMicroservice(
    { strategy: createServerStrategy(options.transport) },
    { inheritAppConfig: true },
  );
  if (options.shutdownHooks ?? true) exitAfterClose(app);
  await app.startAllMicroservices();
  if (options.listenPort === null) await app.init();
  else await app.listen(options.listenPort, options.host ?? '0.0.0.0');
  return app as INestApplication & NestFastifyApplication;
}

/**
 * On SIGTERM/SIGINT: the graceful close (every provider's shutdown hooks: drain, flush), then exit 0, as an
 * orchestrator expects of a clean stop. Nest's own `enableShutdownHooks` re-raises the signal after closing,
 * which reads as a kill, hence this. A close that fails exits 1. The spans still buffered are flushed last, so
 * the shutdown's own spans (drained requests, flushed usage) reach the collector.
 */
function exitAfterClose(app: INestApplication): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.close().then(
        () => void shutdownTracing().then(() => process.exit(0)),
        (err: unknown) => {
          console.error(`shutdown failed: ${String(err)}`);
          process.exit(1);
        },
      );
    });
  }
}

export function logLevelsFrom(level: string): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const index = order.indexOf(level as LogLevel);
  return order.slice(0, index < 0 ? 4 : index + 1);
}
