// The ledger's announcement that metering is caught up: at `caught_up_at` (the ledger's clock) no usage record
// was waiting (none stored undelivered or unacknowledged, no batch failing), so every record stored before then
// is billed (or parked). The ledger drops a credit lease that expired or was given back only once a caught-up
// announcement is later than that (issue 18), so the costs of its records still on their way stay held
// instead of lapsing (issue 15, D1). Core NATS, sent every few seconds while caught up, so a lost one is
// followed by the next.
import { z } from 'zod';
import { defineEvent } from '../define';

export const LedgerCaughtUp = defineEvent(
  'usage.ledger.caught-up.v1',
  z.object({ caught_up_at: z.iso.datetime({ offset: true }) }),
);
