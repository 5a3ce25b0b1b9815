import { Module } from '@nestjs/common';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { AdminAuth } from './admin-auth.service';
import { AdminRelay } from './admin-relay.service';
import { AdminController } from './admin.controller';

@Module({
  imports: [RoutingSnapshotModule],
  controllers: [AdminController],
  providers: [AdminAuth, AdminRelay],
  exports: [AdminAuth],
})
export class AdminModule {}
