import { Module } from '@nestjs/common';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { AdminRelay } from './admin-relay.service';
import { AdminController } from './admin.controller';

@Module({
  imports: [RoutingSnapshotModule],
  controllers: [AdminController],
  providers: [AdminRelay],
})
export class AdminModule {}
