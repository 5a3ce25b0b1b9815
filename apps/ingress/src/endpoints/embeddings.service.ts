// Embeddings, OpenAI and Gemini (plan/embeddings-plan.ts says how each is served): plan the request, pass
// admission with its model, hand it to the relay.
import { Injectable } from '@nestjs/common';
import { AdmissionGate } from '../admission/admission.service';
import { DataPlaneReply } from '../http/exchange';
import { GatewayError } from '../http/gateway-error';
import { PlannedEmbeddings } from '../plan/embeddings-plan';
import { UpstreamRelay } from '../relay/upstream-relay.service';

@Injectable()
export class EmbeddingsService {
  constructor(private readonly relay: UpstreamRelay) {}

  async serve(
    { plan, body, untranslatable }: PlannedEmbeddings,
    gate: AdmissionGate,
    reply: DataPlaneReply,
    signal: AbortSignal,
  ): Promise<void> {
    const admitted = await gate.admitModel({
      model: plan.scope.model,
      stream: false,
      maxTokens: null,
      body,
    });
    try {
      await this.relay.relay({ admitted, plan, reply, signal, trace: gate.trace });
    } catch (err) {
      // A request only OpenAI channels can take, with none to take it, says why rather than "no channel".
      if (
        untranslatable &&
        err instanceof GatewayError &&
        err.details.code === 'no_available_channel'
      ) {
        throw untranslatable;
      }
      throw err;
    }
  }
}
