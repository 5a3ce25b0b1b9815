import { Module } from '@nestjs/common';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { AdmissionModule } from '../admission/admission.module';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { RouteDispatcher } from './route-dispatcher.service';

/** The data-plane routes: declared in route-table.ts, served through RouteDispatcher by both listeners. */
@Module({
  imports: [AdmissionModule, EndpointsModule, RoutingSnapshotModule],
  providers: [RouteDispatcher],
  exports: [RouteDispatcher],
})
export class RoutesModule {}
