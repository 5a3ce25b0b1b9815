import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { AdmissionModule } from '../admission/admission.module';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { ConsoleSite } from './console-site.service';
import { ConsoleController } from './console.controller';
import { KeyConsoleController } from './key-console.controller';
import { KeyConsole } from './key-console.service';

@Module({
  imports: [AdminModule, AdmissionModule, RoutingSnapshotModule],
  controllers: [KeyConsoleController, ConsoleController],
  providers: [ConsoleSite, KeyConsole],
})
export class ConsoleModule {}
