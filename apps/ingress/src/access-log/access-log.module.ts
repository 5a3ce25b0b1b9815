import { Module } from '@nestjs/common';
import { AccessLog } from './access-log.service';

/** The optional access log: one line per finished data-plane request (see access-log-line.ts). */
@Module({ providers: [AccessLog] })
export class AccessLogModule {}
