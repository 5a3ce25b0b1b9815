// Channel health, owned by the health-prober (the only store of it) and sent straight to every ingress replica,
// which applies it on top of the router's configuration snapshot in memory. Three messages:
// - `channel.health.changed`: one channel's new view, at once on a state transition, in batches for latency
//   and counters;
// - `channel.health.announced`: the leading prober's whole table, re-announced every interval, so a replica
//   that missed a change (or a prober restart) is right again within one interval;
// - `channel.health.get`: the same table on request, asked by a replica at start and by the admin API's
//   channel reads.
import { z } from 'zod';
import { ChannelHealthSchema } from '../channels/channel';
import { defineEvent, defineRequest } from '../define';

export const ChannelHealthReportSchema = z.object({
  channel_id: z.string(),
  health: ChannelHealthSchema,
  /** The share of its weight the channel should get: below 1 while it ramps back in after an ejection. */
  weight_factor: z.number().min(0).max(1).default(1),
});
export type ChannelHealthReport = z.infer<typeof ChannelHealthReportSchema>;

/** The prober's table: every channel it has a view of (a channel it never judged is absent: unknown). */
export const ChannelHealthTableSchema = z.object({
  channels: z.array(ChannelHealthReportSchema),
});
export type ChannelHealthTable = z.infer<typeof ChannelHealthTableSchema>;

export const ChannelHealthChanged = defineEvent(
  'channel.health.changed.v1',
  ChannelHealthReportSchema,
);

export const ChannelHealthAnnounced = defineEvent(
  'channel.health.announced.v1',
  ChannelHealthTableSchema,
);

export const ChannelHealthGet = defineRequest(
  'channel.health.get.v1',
  z.object({}),
  ChannelHealthTableSchema,
);
