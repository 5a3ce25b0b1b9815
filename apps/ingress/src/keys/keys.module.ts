import { Module } from '@nestjs/common';
import { KeyCache } from './key-cache.service';
import { KeyChangedHandler } from './key-changed.handler';

/** This replica's cache of key records, kept by the ledger's key.changed events. */
@Module({
  controllers: [KeyChangedHandler],
  providers: [KeyCache],
  exports: [KeyCache],
})
export class KeysModule {}
