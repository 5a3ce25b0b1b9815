import { Module } from '@nestjs/common';
import { AdminRelay } from './admin-relay.service';
import { AdminController } from './admin.controller';

@Module({ controllers: [AdminController], providers: [AdminRelay] })
export class AdminModule {}
