import { Module } from '@nestjs/common';
import { Authenticator } from './authenticator.service';
import { KeyCache } from './key-cache.service';
import { KeyChangedHandler } from './key-changed.handler';

@Module({
  controllers: [KeyChangedHandler],
  providers: [Authenticator, KeyCache],
  exports: [Authenticator, KeyCache],
})
export class KeysModule {}
