// The usage-ledger: money and usage. Owns client keys (hashes, limits, credit) in its own schema and answers
// key look-ups; prices models; consumes usage.recorded from JetStream, writing each record and debiting its
// key exactly once; answers usage queries.
import { DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, TransportConfig } from '@relaymesh/messaging';
import { DatabaseModule } from '@relaymesh/persistence';
import { OpsModule } from '@relaymesh/telemetry';
import { ConfigFileModule } from './config-file/config-file.module';
import { UsageLedgerEnv } from './config/usage-ledger.env';
import { usageLedgerMigrations } from './database/migrations';
import { ClientKey } from './keys/client-key.entity';
import { KeysModule } from './keys/keys.module';
import { LeasesModule } from './leases/leases.module';
import { RateWindowsModule } from './limits/rate-windows.module';
import { ModelPriceEntity } from './pricing/model-price.entity';
import { PricingModule } from './pricing/pricing.module';
import { UsageModule } from './usage/usage.module';

@Module({})
export class UsageLedgerModule {
  static forRoot(
    env: UsageLedgerEnv,
    options: { transport: TransportConfig; ops: boolean },
  ): DynamicModule {
    return {
      module: UsageLedgerModule,
      global: true,
      imports: [
        ConfigFileModule,
        DatabaseModule.forRoot('usage-ledger', env.database, {
          entities: [ClientKey, ModelPriceEntity],
          migrations: usageLedgerMigrations,
        }),
        KeysModule,
        LeasesModule,
        RateWindowsModule,
        PricingModule,
        UsageModule,
        MessagingModule.forRoot(options.transport),
        ...(options.ops ? [OpsModule] : []),
      ],
      providers: [{ provide: UsageLedgerEnv, useValue: env }],
      exports: [UsageLedgerEnv],
    };
  }
}
