// A channel as the admin API reads it back (CONTRACT §2) is composed of two owners' facts: the router's
// configuration (its answer, with the operator's status) and the health-prober's health, applied by the same
// rule ingress routes by (libs/routing healthRouting), so what the operator reads is what ingress does. Pure.
import {
  AdminReply,
  ChannelHealthReport,
  ChannelView,
  ChannelViewSchema,
  UNKNOWN_HEALTH,
} from '@relaymesh/contracts';
import { healthRouting } from '@relaymesh/routing';
import { z } from 'zod';

type Reports = ReadonlyMap<string, Pick<ChannelHealthReport, 'health' | 'weight_factor'>>;

export function channelViewWithHealth(view: ChannelView, reports: Reports): ChannelView {
  const report = reports.get(view.id);
  return {
    ...view,
    status: healthRouting(view.status, report).status,
    health: report?.health ?? UNKNOWN_HEALTH,
  };
}

const ChannelListSchema = z.object({ data: z.array(ChannelViewSchema) });

/** The router's answer with health applied to the channel or channels in it; errors pass as they are. */
export function channelAnswerWithHealth(answer: AdminReply, reports: Reports): AdminReply {
  if (answer.status >= 300) return answer;
  const one = ChannelViewSchema.safeParse(answer.body);
  if (one.success) return { ...answer, body: channelViewWithHealth(one.data, reports) };
  const list = ChannelListSchema.safeParse(answer.body);
  if (list.success) {
    return {
      ...answer,
      body: { data: list.data.data.map((view) => channelViewWithHealth(view, reports)) },
    };
  }
  return answer;
}
