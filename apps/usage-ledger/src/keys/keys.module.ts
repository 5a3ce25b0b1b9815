import { Module } from '@nestjs/common';
import { ClientKeyRepository, TypeOrmClientKeyRepository } from './client-key.repository';
import { KeysHandler } from './keys.handler';
import { KeysService } from './keys.service';

@Module({
  controllers: [KeysHandler],
  providers: [KeysService, { provide: ClientKeyRepository, useClass: TypeOrmClientKeyRepository }],
  exports: [KeysService],
})
export class KeysModule {}
