// Ingress as its own process (N replicas behind a Service): NATS from the environment, no database. With
// RELAYMESH_INGRESS_WORKERS > 1 this process is a node:cluster primary and the workers are the ingresses.
import '@relaymesh/telemetry/register';
import 'reflect-metadata';
import { runMain } from '@relaymesh/app';
import { joinClusterMetrics } from '@relaymesh/telemetry';
import cluster from 'node:cluster';
import { loadIngressEnv } from './config/ingress.env';
import { runIngressPrimary } from './ingress-workers';

async function main(): Promise<void> {
  const env = loadIngressEnv();
  if (env.workers > 1 && cluster.isPrimary) {
    runIngressPrimary(env.workers);
    return;
  }
  joinClusterMetrics();
  // Loaded here, not above: a cluster primary only forks, and need not hold Nest and the app (~50 MB).
  const { startIngress } = await import('./ingress.app.js');
  await startIngress(env, {
    kind: 'nats',
    url: env.natsUrl,
    prefix: env.natsPrefix,
    name: 'ingress',
  });
}

runMain('ingress', main);
