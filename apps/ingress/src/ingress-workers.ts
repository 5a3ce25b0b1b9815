// Ingress on every core it is given (RELAYMESH_INGRESS_WORKERS): node:cluster workers share the one port; the
// primary only forks them, keeps their number (a worker that dies is replaced), answers /metrics scrapes with
// all workers' metrics (telemetry's cluster-metrics.ts), and stops them on SIGTERM/SIGINT. Each worker is a
// full ingress, like a replica: its own routing snapshot, key cache and limit counters on NATS; credit leases
// and the ledger's shared rate counters keep limits exact across replicas, so across workers too. The console
// session and admin token are derived from the environment, the same in every worker.
import { Logger } from '@nestjs/common';
import { serveClusterMetrics } from '@relaymesh/telemetry';
import cluster, { Worker } from 'node:cluster';

/** A worker that dies sooner than this after its start is not replaced at once (a crash loop). */
const RESTART_DELAY_MS = 1_000;

export function runIngressPrimary(workers: number): void {
  const logger = new Logger('ingress');
  serveClusterMetrics();
  let stopping = false;
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error(
      `worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another`,
    );
    setTimeout(fork, RESTART_DELAY_MS);
  });
  for (let i = 0; i < workers; i++) fork();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Each worker drains its requests in its own graceful shutdown (RELAYMESH_SHUTDOWN_GRACE_MS).
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
