// Ingress as its own process (N replicas behind a Service): NATS from the environment, no database.
import '@relaymesh/telemetry/register';
import 'reflect-metadata';
import { runMain } from '@relaymesh/app';
import { loadIngressEnv } from './config/ingress.env';
import { startIngress } from './ingress.app';

async function main(): Promise<void> {
  const env = loadIngressEnv();
  await startIngress(env, {
    kind: 'nats',
    url: env.natsUrl,
    prefix: env.natsPrefix,
    name: 'ingress',
  });
}

runMain('ingress', main);
