// `GET /admin/channels/{id}/transitions` (CONTRACT §2): a channel's health history, newest first, for the
// console's timeline and for an operator asking why a channel was out; `GET /admin/transitions`: the newest
// transitions of every channel, for the console's overview. The health-prober owns it (it stores
// each transition where it stores the state, bounded per channel); ingress relays.
import { z } from 'zod';
import { AdminReplySchema, ById } from '../admin/admin';
import { defineRequest } from '../define';
import { ErrorClass } from '../upstream/upstream-outcome';
import { HealthState } from '../channels/channel';

/** One change of a channel's health state, as the admin API shows it. */
export interface HealthTransitionView {
  at: string;
  from: HealthState;
  to: HealthState;
  /** Why, in words (`5 consecutive failures, last: 500 server_error: boom`); upstream secrets redacted. */
  reason: string;
  /** The channel's last error when it moved (redacted like `reason`). */
  last_error: string | null;
  /**
   * The class of the call that moved it (`server`, `timeout`, `auth`, ..., `none` for a successful probe);
   * null when time moved it (a ramp or a clean window ending) or for history stored before it was recorded.
   */
  error_class: ErrorClass | null;
  /** Set when it left rotation: `consecutive`, `failure_ratio`, `relapse`, `auth` or `quota`. */
  cause: string | null;
  consecutive_failures: number | null;
  /** How many times it had been ejected (decayed), after this transition. */
  ejections: number | null;
}

export const ChannelTransitionsQuerySchema = ById.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

export const AdminChannelTransitions = defineRequest(
  'admin.channels.transitions.v1',
  ChannelTransitionsQuerySchema,
  AdminReplySchema,
);

/** A transition in the history of every channel (`GET /admin/transitions`): which channel moved. */
export interface ChannelTransitionView extends HealthTransitionView {
  channel_id: string;
}

export const TransitionsQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(1000).default(20) })
  .strict();

export const AdminTransitions = defineRequest(
  'admin.health.transitions.v1',
  TransitionsQuerySchema,
  AdminReplySchema,
);
