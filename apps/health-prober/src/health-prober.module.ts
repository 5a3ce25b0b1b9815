// The health-prober: self-healing channels. Folds upstream outcomes into each channel's health state machine,
// takes failing channels out of rotation, probes them back in, and publishes every change straight to ingress
// (the only owner and store of channel health).
import { DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, TransportConfig } from '@relaymesh/messaging';
import { DatabaseModule } from '@relaymesh/persistence';
import { OpsModule } from '@relaymesh/telemetry';
import { HealthProberEnv } from './config/health-prober.env';
import { healthProberMigrations } from './database/migrations';
import { ChannelHealthRecord } from './health/channel-health.entity';
import { HealthTransitionRecord } from './health/health-transition.entity';
import { HealthModule } from './health/health.module';

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
          entities: [ChannelHealthRecord, HealthTransitionRecord],
          migrations: healthProberMigrations,
        }),
        MessagingModule.forRoot(options.transport),
        HealthModule,
        ...(options.ops ? [OpsModule] : []),
      ],
      providers: [{ provide: HealthProberEnv, useValue: env }],
      exports: [HealthProberEnv],
    };
  }
}
