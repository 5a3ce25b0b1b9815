// Ingress: the data plane. Authenticates from its key cache, routes from its in-memory snapshot, calls the
// upstream through pooled connections and relays the answer; serves the admin API by relaying to the owners.
import { AccessLogModule } from './access-log/access-log.module';
import { DynamicModule, Module } from '@nestjs/common';
import { SecretBox } from '@relaymesh/secrets';
import { MessagingModule, TransportConfig } from '@relaymesh/messaging';
import { OpsModule } from '@relaymesh/telemetry';
import { AdminModule } from './admin/admin.module';
import { ConsoleModule } from './console/console.module';
import { CreditModule } from './credit/credit.module';
import { DataPlane } from './http/data-plane';
import { RequestObservers } from './http/request-trace';
import { IngressEnv } from './config/ingress.env';
import { KeysModule } from './keys/keys.module';
import { MetricsModule } from './metrics/metrics.module';
import { RoutesModule } from './routes/routes.module';
import { RoutingSnapshotModule } from './routing-snapshot/routing-snapshot.module';
import { UsageModule } from './usage/usage.module';

@Module({})
export class IngressModule {
  static forRoot(env: IngressEnv, options: { transport: TransportConfig }): DynamicModule {
    return {
      module: IngressModule,
      global: true,
      imports: [
        AccessLogModule,
        AdminModule,
        ConsoleModule,
        CreditModule,
        KeysModule,
        MessagingModule.forRoot(options.transport),
        MetricsModule,
        OpsModule,
        RoutesModule,
        RoutingSnapshotModule,
        UsageModule,
      ],
      providers: [
        { provide: IngressEnv, useValue: env },
        { provide: SecretBox, useValue: new SecretBox(env.secretKey) },
        DataPlane,
        RequestObservers,
      ],
      exports: [IngressEnv, SecretBox, DataPlane, RequestObservers],
    };
  }
}
