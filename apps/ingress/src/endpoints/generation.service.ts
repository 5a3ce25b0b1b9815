// One generation in any client format, served by a channel of any type (CONTRACT §1): read the request
// (plan/generation-plan.ts), pass admission with its model, plan it for the key, and hand it to the relay.
// Same format on both sides is a pass-through; across formats it goes through the hub (plan/relay-plan.ts).
// A Responses request that continues state stored upstream goes to the channel that stored it, and what a
// Responses pass-through stores is remembered for the requests that will continue it (responses-state/).
import { Injectable } from '@nestjs/common';
import { ProtocolAdapter } from '@relaymesh/protocols';
import { AdmissionGate } from '../admission/admission.service';
import { DataPlaneReply } from '../http/exchange';
import { GatewayError } from '../http/gateway-error';
import { GenerationCall, planGeneration, readGeneration } from '../plan/generation-plan';
import { RelayOutcome } from '../relay/attempt';
import { UpstreamRelay } from '../relay/upstream-relay.service';
import { ResponsePins } from '../responses-state/response-pins';

@Injectable()
export class GenerationService {
  constructor(
    private readonly relay: UpstreamRelay,
    private readonly pins: ResponsePins,
  ) {}

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
    const refs = client.passThrough.storedReferences?.(request.body) ?? [];
    // The first id this replica knows decides the channel (one conversation's ids come from one channel).
    const now = Date.now();
    let pinnedRef: string | undefined;
    let pinned: string | null = null;
    for (const ref of refs) {
      pinned = this.pins.channelFor([ref], now);
      if (pinned !== null) {
        pinnedRef = ref;
        break;
      }
    }
    const plan = planGeneration(request, admitted.key, Date.now(), pinned, refs.length > 0);
    let outcome: RelayOutcome;
    try {
      outcome = await this.relay.relay({ admitted, plan, reply, signal, trace: gate.trace });
    } catch (err) {
      if (err instanceof GatewayError && err.details.code === 'no_available_channel') {
        // The channel holding the state this request continues cannot take it: say so, not "no channel".
        if (pinnedRef !== undefined) throw storedStateUnavailable(pinnedRef.slice(0, 100));
        // No channel of the request's own format could take what the hub cannot carry: say why.
        if (request.untranslatable) throw request.untranslatable;
      }
      throw err;
    }
    const stored = outcome.served?.storedIds ?? [];
    if (stored.length > 0 && outcome.channel !== null && request.body['store'] !== false) {
      this.pins.remember(stored, outcome.channel.id, Date.now());
    }
  }
}

function storedStateUnavailable(ref: string): GatewayError {
  return new GatewayError(
    400,
    `'${ref}' was stored by a channel that cannot serve this request now (removed, disabled or unavailable), ` +
      "and no other can read it: send the whole conversation in 'input' instead, with store set to false.",
    {
      code: 'stored_state_unavailable',
      param: 'previous_response_id',
      type: 'invalid_request_error',
    },
  );
}
