// A `mock` channel: answered in-process from the hub by libs/protocols' mock model, and rendered in the client's
// format like any other answer (streams included). No upstream, so nothing to fail over from; the relay counts
// and reports it like any attempt.
import { mockAnswer, mockStream } from '@relaymesh/protocols';
import { DataPlaneReply } from '../http/exchange';
import { SseWriter } from '../http/sse-writer';
import type { AttemptPlan } from '../plan/relay-plan';
import type { Served } from '../relay/attempt';

export async function serveMock(
  plan: Extract<AttemptPlan, { kind: 'local' }>,
  reply: DataPlaneReply,
): Promise<Served> {
  const { hub, upstreamModel, client, ctx } = plan;
  const id = `mock-${ctx.requestId}`;
  const firstByteAt = performance.now();
  const answer = mockAnswer(hub, upstreamModel, id);
  const served: Served = { usage: answer.usage, firstByteAt, responseModel: null, lateError: null };
  if (!plan.stream) {
    await reply.code(200).send(client.client.renderResponse(answer, ctx));
    return served;
  }
  const encoder = client.client.streamEncoder(ctx);
  const writer = new SseWriter(reply, client.client.streamContentType(ctx));
  for (const event of mockStream(hub, upstreamModel, id)) await writer.write(encoder.encode(event));
  await writer.write(encoder.end());
  writer.end();
  return served;
}
