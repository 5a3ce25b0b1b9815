import { Module } from '@nestjs/common';
import { SnapshotStore } from './snapshot-store.service';
import { SnapshotHandler } from './snapshot.handler';

@Module({ controllers: [SnapshotHandler], providers: [SnapshotStore], exports: [SnapshotStore] })
export class RoutingSnapshotModule {}
