// `GET /admin/channels/{id}/transitions` (CONTRACT §2): a channel's health history, newest first, so an operator
// sees when and why it left rotation and came back. Relayed by ingress, answered by the health-prober, which owns
// the history (and only it).
import { z } from 'zod';
import { HealthStateSchema } from '../channels/channel';
import { defineRequest } from '../define';
import { AdminReplySchema, ById } from './admin';

/** One change of state; `last_error` is the error that caused it (redacted like every stored upstream text). */
export const ChannelTransitionSchema = z.object({
  at: z.string(),
  from: HealthStateSchema,
  to: HealthStateSchema,
  reason: z.string(),
  last_error: z.string().nullable(),
});
export type ChannelTransition = z.infer<typeof ChannelTransitionSchema>;

export const MAX_TRANSITIONS = 1000;

export const AdminChannelTransitions = defineRequest(
  'admin.channels.transitions.v1',
  ById.extend({
    limit: z.coerce.number().int().min(1).max(MAX_TRANSITIONS).default(100),
  }),
  AdminReplySchema,
);
