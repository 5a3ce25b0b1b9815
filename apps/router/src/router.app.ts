// Starts the router, alone (main.ts) or inside the embedded process (embedded/main.ts).
import { TransportConfig } from '@relaymesh/messaging';
import { runApp } from '@relaymesh/app';
import { RouterEnv } from './config/router.env';
import { RouterModule } from './router.module';

export function startRouter(env: RouterEnv, transport: TransportConfig, listen: boolean) {
  return runApp(RouterModule.forRoot(env, { transport, ops: listen }), {
    transport,
    listenPort: listen ? env.port : null,
    shutdownHooks: listen,
    logLevels: env.logLevels,
  });
}
