// The data-plane endpoints of CONTRACT §1, one per client wire format. Thin: authenticate, hand the request
// and its format's adapter to the FormatService, which routes and relays or translates.
import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import {
  ProtocolAdapter,
  anthropicMessages,
  gemini,
  openAIChat,
  openAIResponses,
} from '@relaymesh/protocols';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { DataPlane } from '../http/data-plane';
import { DataPlaneReply, DataPlaneRequest } from '../http/exchange';
import { LeanRoute } from '../http/lean-data-plane';
import { WireFormat } from '../http/error-envelope';
import { GatewayError } from '../http/gateway-error';
import { Authenticator } from '../keys/authenticator.service';
import { CountTokensService } from './count-tokens.service';
import { EmbeddingsService } from './embeddings.service';
import { FormatService } from './format.service';

/** Betas (interleaved thinking, context management, ...) must reach an Anthropic upstream unchanged. */
function formatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const beta = headers['anthropic-beta'];
  return typeof beta === 'string' ? { 'anthropic-beta': beta } : {};
}

const GEMINI_TARGET = /^(.+):(generateContent|streamGenerateContent)$/;
const GEMINI_EMBED_TARGET = /^(.+):(embedContent|batchEmbedContents)$/;

@Controller()
export class FormatsController {
  constructor(
    private readonly dataPlane: DataPlane,
    private readonly auth: Authenticator,
    private readonly formats: FormatService,
    private readonly embeddingsService: EmbeddingsService,
    private readonly countTokensService: CountTokensService,
  ) {}

  /** The same handling for the routes the lean data-plane listener takes (no Nest router in between). */
  serveLean(route: LeanRoute, request: DataPlaneRequest, reply: DataPlaneReply): Promise<void> {
    switch (route.kind) {
      case 'chat':
        return this.serve('chat_completions', 'openai', openAIChat, request, reply, null);
      case 'responses':
        return this.serve('responses', 'openai', openAIResponses, request, reply, null);
      case 'messages':
        return this.serve('messages', 'anthropic', anthropicMessages, request, reply, null);
      case 'gemini':
        return this.serve('generate_content', 'gemini', gemini, request, reply, route.target);
    }
  }

  @Post('v1/chat/completions')
  chat(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve('chat_completions', 'openai', openAIChat, request, reply, null);
  }

  @Post('v1/embeddings')
  embeddings(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.dataPlane.serve('embeddings', 'openai', request, reply, async (signal, trace) => {
      trace.key = await this.auth.authenticate(request);
      await this.embeddingsService.embedOpenAI(trace, request.body, reply, signal);
    });
  }

  @Post('v1/responses')
  responses(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve('responses', 'openai', openAIResponses, request, reply, null);
  }

  @Post('v1/messages/count_tokens')
  countTokens(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.dataPlane.serve(
      'count_tokens',
      'anthropic',
      request,
      reply,
      async (signal, trace) => {
        trace.key = await this.auth.authenticate(request);
        await this.countTokensService.count(
          trace,
          request.body,
          formatHeaders(request.headers),
          reply,
          signal,
        );
      },
    );
  }

  /** Anthropic Messages; `?beta=true` (sent by Claude Code) changes nothing here. */
  @Post('v1/messages')
  messages(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve('messages', 'anthropic', anthropicMessages, request, reply, null);
  }

  @Post('v1beta/models/:target')
  geminiBeta(
    @Param('target') target: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.gemini(target, request, reply);
  }

  @Post('v1/models/:target')
  geminiV1(
    @Param('target') target: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.gemini(target, request, reply);
  }

  /**
   * Gemini puts the method in the path: generation, or embeddings. `target` is already decoded (Fastify's
   * router decodes path parameters; the lean listener takes no path with a `%`): decoding it again turned
   * `x%25zz` into a URIError (a 500) and `x%2541` into `xA`.
   */
  private gemini(target: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const embed = GEMINI_EMBED_TARGET.exec(target);
    if (!embed) return this.serve('generate_content', 'gemini', gemini, request, reply, target);
    return this.dataPlane.serve(
      'embed_content',
      'gemini',
      request,
      reply,
      async (signal, trace) => {
        trace.key = await this.auth.authenticate(request);
        await this.embeddingsService.embedGemini(
          trace,
          { model: embed[1], batch: embed[2] === 'batchEmbedContents' },
          request.body,
          reply,
          signal,
        );
      },
    );
  }

  private serve(
    route: string,
    format: WireFormat,
    adapter: ProtocolAdapter,
    request: DataPlaneRequest,
    reply: DataPlaneReply,
    geminiTarget: string | null,
  ): Promise<void> {
    return this.dataPlane.serve(route, format, request, reply, async (signal, trace) => {
      const query = request.query as Record<string, unknown>;
      let urlModel: string | null = null;
      let stream: boolean | null = null;
      if (geminiTarget !== null) {
        const match = GEMINI_TARGET.exec(geminiTarget);
        if (!match) {
          throw new GatewayError(
            404,
            `Unknown endpoint: ${request.method} ${request.url.split('?')[0]}`,
          );
        }
        urlModel = match[1]!;
        stream = match[2] === 'streamGenerateContent';
      }
      trace.key = await this.auth.authenticate(request);
      await this.formats.serve(
        adapter,
        {
          trace,
          key: trace.key,
          body: request.body,
          urlModel,
          stream,
          sse: query['alt'] === 'sse',
          requestId: request.id,
          formatHeaders: formatHeaders(request.headers),
        },
        reply,
        signal,
      );
    });
  }
}
