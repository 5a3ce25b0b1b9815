import { Module } from '@nestjs/common';
import { AdminAuth } from './admin-auth.service';
import { AdminRelay } from './admin-relay.service';
import { AdminController } from './admin.controller';

@Module({
  controllers: [AdminController],
  providers: [AdminAuth, AdminRelay],
  exports: [AdminAuth],
})
export class AdminModule {}
