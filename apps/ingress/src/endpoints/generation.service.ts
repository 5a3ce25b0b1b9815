// One generation in any client format, served by a channel of any type (CONTRACT §1): read the request
// (plan/generation-plan.ts), pass admission with its model, plan it for the key, and hand it to the relay.
// Same format on both sides is a pass-through; across formats it goes through the hub (plan/relay-plan.ts).
import { Injectable } from '@nestjs/common';
import { ProtocolAdapter } from '@relaymesh/protocols';
import { AdmissionGate } from '../admission/admission.service';
import { DataPlaneReply } from '../http/exchange';
import { GatewayError } from '../http/gateway-error';
import { GenerationCall, planGeneration, readGeneration } from '../plan/generation-plan';
import { UpstreamRelay } from '../relay/upstream-relay.service';

@Injectable()
export class GenerationService {
  constructor(private readonly relay: UpstreamRelay) {}

  async serve(
    client: ProtocolAdapter,
    call: GenerationCall,
    gate: AdmissionGate,
    reply: DataPlaneReply,
    signal: AbortSignal,
  ): Promise<void> {
    const request = readGeneration(client, call);
    const admitted = await gate.admitModel({
      model: request.model,
      stream: request.stream,
      maxTokens: request.maxTokens,
      body: request.body,
    });
    const plan = planGeneration(request, admitted.key, Date.now());
    try {
      await this.relay.relay({ admitted, plan, reply, signal, trace: gate.trace });
    } catch (err) {
      // No channel of the request's own format could take what the hub cannot carry: say why, not "no channel".
      if (
        request.untranslatable &&
        err instanceof GatewayError &&
        err.details.code === 'no_available_channel'
      ) {
        throw request.untranslatable;
      }
      throw err;
    }
  }
}
