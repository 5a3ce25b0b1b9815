// The ledger's announcement that metering is caught up: at `caught_up_at` (the ledger's clock) no usage record
// was waiting (none stored undelivered or unacknowledged, no batch failing), so every record stored before then
// is billed (or parked). Ingress's credit guard stops counting a finished request's cost as pending only once a
// caught-up announcement is later than when that request's record was stored; a slow or stalled ledger then
// keeps those costs counted instead of letting them lapse (issue 15, D1). Core NATS, sent every few seconds
// while caught up, so a lost one is followed by the next. Issue 18 replaces this with credit leases.
import { z } from 'zod';
import { defineEvent } from '../define';

export const LedgerCaughtUp = defineEvent(
  'usage.ledger.caught-up.v1',
  z.object({ caught_up_at: z.iso.datetime({ offset: true }) }),
);
