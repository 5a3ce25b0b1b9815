// Published by the health-prober whenever its view of a channel changes; the router folds it into channel
// reads and (from the self-healing issue on) into the routing snapshot.
import { z } from 'zod';
import { ChannelHealthSchema } from '../channels/channel';
import { defineEvent } from '../define';

export const ChannelHealthChanged = defineEvent(
  'channel.health.changed.v1',
  z.object({ channel_id: z.string(), health: ChannelHealthSchema }),
);
