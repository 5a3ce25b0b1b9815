// The health-prober as its own process (one per pod): NATS and Postgres from the environment.
import '@relaymesh/telemetry/register';
import 'reflect-metadata';
import { runMain } from '@relaymesh/app';
import { loadHealthProberEnv } from './config/health-prober.env';
import { startHealthProber } from './health-prober.app';

async function main(): Promise<void> {
  const env = loadHealthProberEnv();
  await startHealthProber(
    env,
    { kind: 'nats', url: env.natsUrl, prefix: env.natsPrefix, name: 'health-prober' },
    true,
  );
}

runMain('health-prober', main);
