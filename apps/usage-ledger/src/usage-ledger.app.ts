// Starts the usage-ledger, alone (main.ts) or inside the embedded process (embedded/main.ts).
import { TransportConfig } from '@relaymesh/messaging';
import { runApp } from '@relaymesh/app';
import { UsageLedgerEnv } from './config/usage-ledger.env';
import { UsageLedgerModule } from './usage-ledger.module';

export function startUsageLedger(env: UsageLedgerEnv, transport: TransportConfig, listen: boolean) {
  return runApp(UsageLedgerModule.forRoot(env, { transport, ops: listen }), {
    transport,
    listenPort: listen ? env.port : null,
    shutdownHooks: listen,
    logLevels: env.logLevels,
  });
}
