import { Module } from '@nestjs/common';
import { RateWindowRepository, SqlRateWindowRepository } from './rate-window.repository';
import { RateWindowsHandler } from './rate-windows.handler';

/** The shared windows of keys with small rpm/tpm limits (issue 18). */
@Module({
  controllers: [RateWindowsHandler],
  providers: [{ provide: RateWindowRepository, useClass: SqlRateWindowRepository }],
})
export class RateWindowsModule {}
