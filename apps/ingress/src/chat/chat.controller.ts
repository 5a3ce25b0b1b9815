import { Controller, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { serveDataPlane } from '../http/data-plane';
import { Authenticator } from '../keys/authenticator.service';
import { ChatService } from './chat.service';

@Controller()
export class ChatController {
  constructor(
    private readonly auth: Authenticator,
    private readonly chat: ChatService,
  ) {}

  @Post('v1/chat/completions')
  create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return serveDataPlane('chat_completions', 'openai', request, reply, async (signal) => {
      const key = await this.auth.authenticate(
        request.headers,
        request.query as Record<string, unknown>,
      );
      await this.chat.complete(key, request.body, reply, signal);
    });
  }
}
