// Credit leases (issue 18): the ledger owns a key's money; each ingress replica spends a slice of it (a lease)
// granted atomically, so no replica needs a round trip per request and the sum of the slices never exceeds the
// key's balance. A replica asks for more when its slice runs low, gives back what it did not use when the key
// goes idle, and a slice it never gives back (a crashed replica) returns to the key once it expires.
import { z } from 'zod';
import { MAX_USD } from '../admin/admin-fields';
import { defineEvent, defineRequest } from '../define';

const usd = z.number().min(0).max(MAX_USD);
/** The replica asking: one lease per (key, holder); a restarted replica is a new holder. */
const holder = z.string().min(1).max(100);

export const CreditLeaseGrant = defineRequest(
  'key.lease.grant.v1',
  z.object({ key_id: z.string().min(1).max(200), holder, want_usd: usd }),
  z.object({
    /** False for an unknown or deleted key. */
    found: z.boolean(),
    unlimited: z.boolean(),
    /** Added to the holder's lease by this request (0 when nothing was free); its expiry starts again. */
    granted_usd: usd,
    /** The key's balance (credit − used) when granted; the leases are slices of it. */
    remaining_usd: z.number(),
    /** What the other holders' leases hold: refused for lack of free credit while this is > 0 is not "used up". */
    held_elsewhere_usd: usd,
    /**
     * The key's period budget left (budget − spent this period, before leases) and when it resets; null
     * without a budget. A grant short because of it is refused as "budget spent", naming the reset.
     */
    budget_left_usd: z.number().nullable(),
    budget_resets_at: z.string().nullable(),
    /** How long the lease lives without another grant. */
    ttl_ms: z.number().int().min(1),
  }),
);

/** The holder gives back what it did not spend; the rest of its lease ends as its records are debited. */
export const CreditLeaseRelease = defineRequest(
  'key.lease.release.v1',
  z.object({ key_id: z.string().min(1).max(200), holder, release_usd: usd }),
  z.object({ released: z.boolean() }),
);

/**
 * Broadcast by the ledger when a grant fell short while other holders held the rest: a holder with nothing in
 * flight for the key gives its lease back at once, so an idle replica never strands a nearly-empty key's credit.
 */
export const CreditLeaseRecall = defineEvent(
  'key.lease.recall.v1',
  z.object({ key_id: z.string(), requested_by: holder }),
);
