import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { RoutingSnapshotModule } from '../routing-snapshot/routing-snapshot.module';
import { ModelsController } from './models.controller';

@Module({ imports: [KeysModule, RoutingSnapshotModule], controllers: [ModelsController] })
export class ModelsModule {}
