// POST /v1/embeddings: OpenAI embeddings, served by OpenAI and OpenAI-compatible channels as a pass-through
// (the client's body with only the model mapped and the gateway's extensions removed). Gemini's embedContent
// is a different shape and is not translated yet, so gemini channels are skipped for embeddings.
import { Injectable } from '@nestjs/common';
import { GATEWAY_EXTENSION_FIELDS, openAIChat } from '@relaymesh/protocols';
import type { FastifyReply } from 'fastify';
import { CreditGuard } from '../credit/credit-guard.service';
import { GatewayError } from '../http/gateway-error';
import { RequestTrace } from '../http/request-trace';
import { Authenticator } from '../keys/authenticator.service';
import { UpstreamCaller } from '../upstream/upstream-call.service';
import { relayJson, upstreamHeaders } from './format.service';

const OPENAI_TYPES = new Set(['openai', 'openai-compatible']);

@Injectable()
export class EmbeddingsService {
  constructor(
    private readonly auth: Authenticator,
    private readonly upstream: UpstreamCaller,
    private readonly credit: CreditGuard,
  ) {}

  async embed(
    trace: RequestTrace,
    body: unknown,
    reply: FastifyReply,
    signal: AbortSignal,
  ): Promise<void> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new GatewayError(400, 'The request body must be a JSON object.', {
        code: 'invalid_json',
      });
    }
    const request = body as Record<string, unknown>;
    const model = request['model'];
    if (typeof model !== 'string' || model === '') {
      throw new GatewayError(400, 'you must provide a model parameter', {
        param: 'model',
        code: 'missing_required_parameter',
      });
    }
    const input = request['input'];
    if (
      input === undefined ||
      input === null ||
      input === '' ||
      (Array.isArray(input) && input.length === 0)
    ) {
      throw new GatewayError(400, "'input' is required and must not be empty", {
        param: 'input',
        code: 'missing_required_parameter',
      });
    }
    const key = trace.key!;
    trace.model = model;
    this.auth.authorize(key, model);
    this.credit.admit(trace, key, model, body);
    await this.upstream.route({
      group: key.group,
      model,
      signal,
      trace,
      supports: (channel) => OPENAI_TYPES.has(channel.type),
      build: (channel, upstreamModel) => {
        const upstreamBody: Record<string, unknown> = { ...request, model: upstreamModel };
        for (const field of GATEWAY_EXTENSION_FIELDS) delete upstreamBody[field];
        return {
          path: '/v1/embeddings',
          body: JSON.stringify(upstreamBody),
          headers: upstreamHeaders(channel, openAIChat, {}, {}),
        };
      },
      // Embeddings report `usage.prompt_tokens` like a chat completion does.
      consume: (response, attempt) => relayJson(response, reply, attempt.trace, openAIChat),
    });
  }
}
