// The router: control plane for routing. Owns channels (and, through them, groups and the model catalogue)
// in its own schema, and publishes the versioned configuration snapshot ingress routes with (no health in it:
// that is the health-prober's, which ingress applies on top).
import { DynamicModule, Module } from '@nestjs/common';
import { SecretBox } from '@relaymesh/secrets';
import { MessagingModule, TransportConfig } from '@relaymesh/messaging';
import { DatabaseModule } from '@relaymesh/persistence';
import { OpsModule } from '@relaymesh/telemetry';
import { Channel } from './channels/channel.entity';
import { ChannelsModule } from './channels/channels.module';
import { ConfigFileModule } from './config-file/config-file.module';
import { RouterEnv } from './config/router.env';
import { routerMigrations } from './database/migrations';
import { SnapshotModule } from './snapshot/snapshot.module';

@Module({})
export class RouterModule {
  static forRoot(
    env: RouterEnv,
    options: { transport: TransportConfig; ops: boolean },
  ): DynamicModule {
    return {
      module: RouterModule,
      global: true,
      imports: [
        ChannelsModule,
        ConfigFileModule,
        DatabaseModule.forRoot('router', env.database, {
          entities: [Channel],
          migrations: routerMigrations,
        }),
        MessagingModule.forRoot(options.transport),
        SnapshotModule,
        ...(options.ops ? [OpsModule] : []),
      ],
      providers: [
        { provide: RouterEnv, useValue: env },
        { provide: SecretBox, useValue: new SecretBox(env.secretKey) },
      ],
      exports: [RouterEnv, SecretBox],
    };
  }
}
