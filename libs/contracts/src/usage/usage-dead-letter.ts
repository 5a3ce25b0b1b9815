// The usage records the ledger parked in its dead-letter instead of storing (issue 15, D1), as the admin API
// shows them (CONTRACT §2: `GET /admin/usage/dead-letters`) and replays them once the cause is fixed
// (`POST /admin/usage/dead-letters/{id}/replay`). The ledger owns them; ingress relays.
import { z } from 'zod';
import { AdminReplySchema, ById } from '../admin/admin';
import { DateTimeSchema } from '../admin/admin-fields';
import { defineRequest } from '../define';

/** A parked record as `GET /admin/usage/dead-letters` lists it. */
export interface DeadLetterView {
  /** The dead letter's own id: what `/replay` takes. */
  id: string;
  /** The message id it was published under (a record's id, unless an older publisher chose another). */
  msg_id: string;
  /** The record's id when the payload had one. */
  record_id: string | null;
  /** Why it was parked: Postgres's SQLSTATE and message, or the contract's complaint. */
  reason: string;
  attempts: number;
  parked_at: string;
  /** The payload as parked, parsed back from its JSON text; the raw text when that text does not parse. */
  record: unknown;
}

export const DeadLetterQuerySchema = z
  .object({
    since: DateTimeSchema.optional(),
    until: DateTimeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type DeadLetterQuery = z.infer<typeof DeadLetterQuerySchema>;

/** `GET /admin/usage/dead-letters`: newest first, by when each was parked. */
export const AdminUsageDeadLetterList = defineRequest(
  'admin.usage.dead-letters.list.v1',
  DeadLetterQuerySchema,
  AdminReplySchema,
);

/**
 * `POST /admin/usage/dead-letters/{id}/replay`: the parked record validated again and written as the ledger's
 * consumer writes one (priced, debited once), the dead letter removed in the same transaction. Answers the
 * stored usage record; 400 when it still breaks the contract, 409 when Postgres still refuses it (it stays).
 */
export const AdminUsageDeadLetterReplay = defineRequest(
  'admin.usage.dead-letters.replay.v1',
  ById,
  AdminReplySchema,
);
