// Starts the health-prober, alone (main.ts) or inside the embedded process (embedded/main.ts).
import { TransportConfig } from '@relaymesh/messaging';
import { runApp } from '@relaymesh/app';
import { HealthProberEnv } from './config/health-prober.env';
import { HealthProberModule } from './health-prober.module';

export function startHealthProber(
  env: HealthProberEnv,
  transport: TransportConfig,
  listen: boolean,
) {
  return runApp(HealthProberModule.forRoot(env, { transport, ops: listen }), {
    transport,
    listenPort: listen ? env.port : null,
    shutdownHooks: listen,
    logLevels: env.logLevels,
  });
}
