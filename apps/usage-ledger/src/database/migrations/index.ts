// The usage-ledger's migrations in order.
import { CreateClientKeys1763900100000 } from './1763900100000-CreateClientKeys';
import { CreateUsageAndPricing1763900300000 } from './1763900300000-CreateUsageAndPricing';
import { CreateUsageDeadLetters1763900400000 } from './1763900400000-CreateUsageDeadLetters';
import { AddUsageDeadLetterIds1763900500000 } from './1763900500000-AddUsageDeadLetterIds';
import { AddUsageSummaryIndexes1763900600000 } from './1763900600000-AddUsageSummaryIndexes';
import { CreateCreditLeases1763900700000 } from './1763900700000-CreateCreditLeases';
import { CreateRateWindows1763900800000 } from './1763900800000-CreateRateWindows';
import { AddKeyBudgets1763900900000 } from './1763900900000-AddKeyBudgets';
import { AddUsageDroppedTools1763901100000 } from './1763901100000-AddUsageDroppedTools';
import { AddUsageAttemptLog1763901200000 } from './1763901200000-AddUsageAttemptLog';
import { CreateRequestBodies1763901300000 } from './1763901300000-CreateRequestBodies';

export const usageLedgerMigrations = [
  CreateClientKeys1763900100000,
  CreateUsageAndPricing1763900300000,
  CreateUsageDeadLetters1763900400000,
  AddUsageDeadLetterIds1763900500000,
  AddUsageSummaryIndexes1763900600000,
  CreateCreditLeases1763900700000,
  CreateRateWindows1763900800000,
  AddKeyBudgets1763900900000,
  AddUsageDroppedTools1763901100000,
  AddUsageAttemptLog1763901200000,
  CreateRequestBodies1763901300000,
];
