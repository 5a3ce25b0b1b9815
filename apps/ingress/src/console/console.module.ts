import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { AdmissionModule } from '../admission/admission.module';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { ConsoleSite } from './console-site.service';
import { ConsoleController } from './console.controller';
import { KeyConsoleController } from './key-console.controller';
import { KeyConsole } from './key-console.service';
import { SignInThrottle } from './sign-in-throttle';

@Module({
  imports: [AdminModule, AdmissionModule, RoutingSnapshotModule],
  controllers: [KeyConsoleController, ConsoleController],
  // One throttle for both sign-ins: alternating between them doubles no one's guesses.
  providers: [
    ConsoleSite,
    KeyConsole,
    { provide: SignInThrottle, useFactory: () => new SignInThrottle() },
  ],
})
export class ConsoleModule {}
