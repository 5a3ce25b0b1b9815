// POST /v1/messages/count_tokens (Anthropic; Claude Code asks it to size its context). The count comes from the
// provider where one can count: an Anthropic channel takes the request as it is (a pass-through), a Gemini
// channel counts the translated prompt with `:countTokens` (plan/relay-plan.ts). For a model served only by
// OpenAI-format or mock channels, or when every counting channel fails, the answer is an estimate (about four
// characters a token): good enough to size a context, never used for billing. Nothing is billed for a count,
// nor limited: its route is `model_unbilled` in the route table.
import { Injectable } from '@nestjs/common';
import { anthropicMessages, estimateInputTokens } from '@relaymesh/protocols';
import { NO_PREFERENCES } from '@relaymesh/routing';
import { AdmissionGate } from '../admission/admission.service';
import { DataPlaneReply } from '../http/exchange';
import { GatewayError } from '../http/gateway-error';
import { CountTokensPlan, countsTokens } from '../plan/relay-plan';
import { UpstreamRelay } from '../relay/upstream-relay.service';
import { SnapshotStore } from '../routing-snapshot/snapshot-store.service';
import { CHARS_PER_TOKEN } from '../usage/cut-stream-usage';

@Injectable()
export class CountTokensService {
  constructor(
    private readonly relay: UpstreamRelay,
    private readonly store: SnapshotStore,
  ) {}

  async count(
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
    const admitted = await gate.admitModel({ model, stream: false, maxTokens: null, body });
    const estimate = () =>
      reply.code(200).send({
        input_tokens: hub
          ? estimateInputTokens(hub)
          : Math.ceil(JSON.stringify(body).length / CHARS_PER_TOKEN),
      });
    const plan: CountTokensPlan = {
      kind: 'count_tokens',
      scope: { model, models: [model], preferences: NO_PREFERENCES, stream: false },
      body: request,
      hub,
      formatHeaders,
    };

    const lookup = this.store.table?.tiers(admitted.key.group, model);
    if (lookup && !lookup.known) {
      throw new GatewayError(404, `The model '${model}' does not exist.`, {
        code: 'model_not_found',
      });
    }
    const canCount = (lookup?.tiers ?? []).some((tier) =>
      tier.withEjected.some((route) => countsTokens(plan, route.channel.type)),
    );
    if (!canCount) return estimate();
    try {
      await this.relay.relay({ admitted, plan, reply, signal, trace: gate.trace });
    } catch (err) {
      // Counting channels down: an estimate serves the caller better than a refusal.
      if (err instanceof GatewayError && err.status >= 502 && err.status <= 504) return estimate();
      throw err;
    }
  }
}
