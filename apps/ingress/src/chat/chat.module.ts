import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';

@Module({
  imports: [KeysModule, UpstreamModule],
  controllers: [ChatController],
  providers: [ChatService],
})
export class ChatModule {}
