// POST /v1/messages/count_tokens (Anthropic; Claude Code asks it to size its context). The count comes from the
// provider where one can count: an Anthropic channel takes the request as it is (a pass-through), a Gemini
// channel counts the translated prompt with `:countTokens`. For a model served only by OpenAI-format or mock
// channels, or when every counting channel fails, the answer is an estimate (about four characters a token):
// good enough to size a context, never used for billing. Nothing is billed for a count.
import { Injectable } from '@nestjs/common';
import { HubRequest, anthropicMessages, estimateInputTokens, gemini } from '@relaymesh/protocols';
import { DataPlaneReply } from '../http/exchange';
import { GatewayError } from '../http/gateway-error';
import { RequestTrace } from '../http/request-trace';
import { AdmissionGate } from '../admission/admission.service';
import { SnapshotStore } from '../routing-snapshot/snapshot-store.service';
import { UpstreamCaller } from '../upstream/upstream-call.service';
import { readJsonAnswer, relayJson, upstreamHeaders } from './format.service';

@Injectable()
export class CountTokensService {
  constructor(
    private readonly upstream: UpstreamCaller,
    private readonly store: SnapshotStore,
  ) {}

  async count(
    trace: RequestTrace,
    gate: AdmissionGate,
    body: unknown,
    formatHeaders: Record<string, string>,
    reply: DataPlaneReply,
    signal: AbortSignal,
  ): Promise<void> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new GatewayError(400, 'The request body must be a JSON object.', {
        code: 'invalid_json',
      });
    }
    const request = body as Record<string, unknown>;
    // A count is a Messages request without the output cap; the Messages parser validates everything else.
    const parsed = anthropicMessages.client.parseRequest({ max_tokens: 1, ...request }, null);
    if (!parsed.ok && parsed.error.code !== 'unsupported_value') {
      throw new GatewayError(parsed.error.status, parsed.error.message, {
        type: parsed.error.type,
        param: parsed.error.param,
      });
    }
    const model = request['model'] as string;
    const hub = parsed.ok ? parsed.request : null;
    // Authorized for the model only: a count is neither billed nor rate-limited (the route table says so).
    const admitted = gate.admitModel({ model, stream: false, maxTokens: null, body });
    const { key } = admitted;
    const estimate = () =>
      reply.code(200).send({
        input_tokens: hub ? estimateInputTokens(hub) : Math.ceil(JSON.stringify(body).length / 4),
      });

    const table = this.store.table;
    const lookup = table?.tiers(key.group, model);
    if (lookup && !lookup.known) {
      throw new GatewayError(404, `The model '${model}' does not exist.`, {
        code: 'model_not_found',
      });
    }
    const counting = (type: string) => type === 'anthropic' || (type === 'gemini' && hub !== null);
    const canCount = (lookup?.tiers ?? []).some((tier) =>
      tier.withEjected.some((route) => counting(route.channel.type)),
    );
    if (!canCount) return estimate();

    try {
      await this.upstream.route({
        admitted,
        model,
        stream: false,
        signal,
        trace,
        supports: (channel) => counting(channel.type),
        build: (channel, upstreamModel) =>
          channel.type === 'anthropic'
            ? {
                path: '/v1/messages/count_tokens',
                body: anthropicMessages.passThrough.buildRequest(request, upstreamModel, false)
                  .body,
                headers: upstreamHeaders(channel, anthropicMessages, {}, formatHeaders),
              }
            : geminiCount(hub!, upstreamModel, upstreamHeaders(channel, gemini, {}, {})),
        consume: async (response, attempt) => {
          if (attempt.channel.type === 'anthropic') {
            return relayJson(response, reply, attempt, anthropicMessages);
          }
          const answer = await readJsonAnswer(response, attempt);
          if ('ok' in answer) return answer;
          const { totalTokens } = answer.value as { totalTokens?: unknown };
          attempt.committed();
          await reply.code(200).send({
            input_tokens: typeof totalTokens === 'number' ? totalTokens : 0,
          });
          return { ok: true, value: undefined };
        },
      });
    } catch (err) {
      // Counting channels down: an estimate serves the caller better than a refusal.
      if (err instanceof GatewayError && err.status >= 502 && err.status <= 504) return estimate();
      throw err;
    }
  }
}

/** Gemini counts a whole generateContent request sent as `generateContentRequest`. */
function geminiCount(
  hub: HubRequest,
  upstreamModel: string,
  headers: Record<string, string>,
): { path: string; body: string; headers: Record<string, string> } {
  const built = gemini.upstream.buildRequest({ ...hub, stream: false }, upstreamModel);
  const generateContentRequest = {
    model: `models/${upstreamModel}`,
    ...(JSON.parse(built.body) as Record<string, unknown>),
  };
  return {
    path: `/v1beta/models/${encodeURIComponent(upstreamModel)}:countTokens`,
    body: JSON.stringify({ generateContentRequest }),
    headers,
  };
}
