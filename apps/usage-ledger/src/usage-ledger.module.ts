// The usage-ledger: money and usage. Owns client keys (hashes, limits, credit) in its own schema and answers
// key look-ups; metering (usage.recorded over JetStream), pricing and debits come with the ledger issue.
import { DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, TransportConfig } from '@relaymesh/messaging';
import { DatabaseModule } from '@relaymesh/persistence';
import { OpsModule } from '@relaymesh/telemetry';
import { ConfigFileModule } from './config-file/config-file.module';
import { UsageLedgerEnv } from './config/usage-ledger.env';
import { usageLedgerMigrations } from './database/migrations';
import { ClientKey } from './keys/client-key.entity';
import { KeysModule } from './keys/keys.module';

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
          entities: [ClientKey],
          migrations: usageLedgerMigrations,
        }),
        KeysModule,
        MessagingModule.forRoot(options.transport),
        ...(options.ops ? [OpsModule] : []),
      ],
      providers: [{ provide: UsageLedgerEnv, useValue: env }],
      exports: [UsageLedgerEnv],
    };
  }
}
