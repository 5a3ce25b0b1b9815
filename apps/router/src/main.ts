// The router as its own process (one per pod): NATS and Postgres from the environment.
import '@relaymesh/telemetry/register';
import 'reflect-metadata';
import { runMain } from '@relaymesh/app';
import { loadRouterEnv } from './config/router.env';
import { startRouter } from './router.app';

async function main(): Promise<void> {
  const env = loadRouterEnv();
  await startRouter(
    env,
    { kind: 'nats', url: env.natsUrl, prefix: env.natsPrefix, name: 'router' },
    true,
  );
}

runMain('router', main);
