// Published by the health-prober whenever its view of a channel changes (at once on a state transition, in
// batches for latency and counters); the router folds it into channel reads and into the routing snapshot.
import { z } from 'zod';
import { ChannelHealthSchema } from '../channels/channel';
import { defineEvent } from '../define';

export const ChannelHealthChanged = defineEvent(
  'channel.health.changed.v1',
  z.object({
    channel_id: z.string(),
    health: ChannelHealthSchema,
    /** The share of its weight the channel should get: below 1 while it ramps back in after an ejection. */
    weight_factor: z.number().min(0).max(1).default(1),
  }),
);
