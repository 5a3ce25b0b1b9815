// Small rpm/tpm limits decided on one shared counter (issue 18, D2): with rpm 5, two replicas counting locally
// and hearing each other by broadcast (limits.usage.v1) let a 6th request through. A key whose limit is small
// is admitted by the usage-ledger instead, which counts the key's window in Postgres under the key's row lock:
// the N+1th request of the window is refused whichever replica it lands on. At most a small limit's worth of
// round trips a minute per key; large limits stay on the broadcast, with no round trip.
import { z } from 'zod';
import { defineEvent, defineRequest } from '../define';

export const LimitsAdmit = defineRequest(
  'key.limits.admit.v1',
  z.object({ key_id: z.string().min(1).max(200) }),
  z.object({
    /** False for an unknown or deleted key. */
    found: z.boolean(),
    admitted: z.boolean(),
    /** When refused: the limit, what it allows, what the window holds, and whole seconds until it frees. */
    refusal: z
      .object({
        limit: z.enum(['rpm', 'tpm']),
        allowed: z.number(),
        used: z.number(),
        retry_after: z.number().int().min(1),
      })
      .nullable(),
  }),
);

/** The tokens a finished request used, charged to the key's shared window (one ledger replica takes each). */
export const LimitsCharge = defineEvent(
  'key.limits.charge.v1',
  z.object({
    key_id: z.string().min(1).max(200),
    tokens: z.number().int().min(1).max(1e12),
    at: z.iso.datetime({ offset: true }),
  }),
);
