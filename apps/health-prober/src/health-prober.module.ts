// The health-prober: channel health. Today it folds upstream outcomes into each channel's health record and
// publishes changes; the ejection state machine, active probes and the panic threshold come with the
// self-healing issue.
import { DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, TransportConfig } from '@relaymesh/messaging';
import { DatabaseModule } from '@relaymesh/persistence';
import { OpsModule } from '@relaymesh/telemetry';
import { HealthProberEnv } from './config/health-prober.env';
import { healthProberMigrations } from './database/migrations';
import { ChannelHealthRecord } from './outcomes/channel-health.entity';
import { OutcomesModule } from './outcomes/outcomes.module';

@Module({})
export class HealthProberModule {
  static forRoot(
    env: HealthProberEnv,
    options: { transport: TransportConfig; ops: boolean },
  ): DynamicModule {
    return {
      module: HealthProberModule,
      global: true,
      imports: [
        DatabaseModule.forRoot('health-prober', env.database, {
          entities: [ChannelHealthRecord],
          migrations: healthProberMigrations,
        }),
        MessagingModule.forRoot(options.transport),
        OutcomesModule,
        ...(options.ops ? [OpsModule] : []),
      ],
      providers: [{ provide: HealthProberEnv, useValue: env }],
      exports: [HealthProberEnv],
    };
  }
}
