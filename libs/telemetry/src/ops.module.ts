import { Module } from '@nestjs/common';
import { OpsController } from './ops.controller';

/** Import once per HTTP server: the operational endpoints of CONTRACT §3. */
@Module({ controllers: [OpsController] })
export class OpsModule {}
