// The usage-ledger as its own process (one per pod): NATS and Postgres from the environment.
import '@relaymesh/telemetry/register';
import 'reflect-metadata';
import { runMain } from '@relaymesh/app';
import { loadUsageLedgerEnv } from './config/usage-ledger.env';
import { startUsageLedger } from './usage-ledger.app';

async function main(): Promise<void> {
  const env = loadUsageLedgerEnv();
  await startUsageLedger(
    env,
    { kind: 'nats', url: env.natsUrl, prefix: env.natsPrefix, name: 'usage-ledger' },
    true,
  );
}

runMain('usage-ledger', main);
