// A token count, Anthropic's (POST /v1/messages/count_tokens: Claude Code asks it to size its context) or
// Gemini's (`:countTokens`, as `models.countTokens` of @google/genai sends it). The count comes from the
// provider where one can count: a channel of the client's format takes the request as it is (a pass-through),
// an Anthropic or Gemini channel of the other format counts the translated prompt (plan/relay-plan.ts). For a
// model served only by OpenAI-format or mock channels, or when every counting channel fails, the answer is an
// estimate (about four characters a token): good enough to size a context, never used for billing. Nothing is
// billed for a count, nor limited: its routes are `model_unbilled` in the route table.
import { Injectable } from '@nestjs/common';
import { AdmissionGate } from '../admission/admission.service';
import { DataPlaneReply } from '../http/exchange';
import { GatewayError } from '../http/gateway-error';
import { CountTokensCall, estimatedCount, planCountTokens } from '../plan/count-tokens-plan';
import { countsTokens } from '../plan/relay-plan';
import { UpstreamRelay } from '../relay/upstream-relay.service';
import { SnapshotStore } from '../routing-snapshot/snapshot-store.service';

@Injectable()
export class CountTokensService {
  constructor(
    private readonly relay: UpstreamRelay,
    private readonly store: SnapshotStore,
  ) {}

  async count(
    gate: AdmissionGate,
    call: CountTokensCall,
    reply: DataPlaneReply,
    signal: AbortSignal,
  ): Promise<void> {
    const plan = planCountTokens(call);
    const { model } = plan.scope;
    const admitted = await gate.admitModel({
      model,
      stream: false,
      maxTokens: null,
      body: plan.body,
    });
    const estimate = () => reply.code(200).send(estimatedCount(plan));

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
