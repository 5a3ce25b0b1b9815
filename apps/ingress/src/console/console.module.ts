import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { KeysModule } from '../keys/keys.module';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { ConsoleSite } from './console-site.service';
import { ConsoleController } from './console.controller';
import { KeyConsoleController } from './key-console.controller';
import { KeyConsole } from './key-console.service';

@Module({
  imports: [AdminModule, KeysModule, RoutingSnapshotModule],
  controllers: [KeyConsoleController, ConsoleController],
  providers: [ConsoleSite, KeyConsole],
})
export class ConsoleModule {}
