// The usage-ledger's migrations in order.
import { CreateClientKeys1763900100000 } from './1763900100000-CreateClientKeys';
import { CreateUsageAndPricing1763900300000 } from './1763900300000-CreateUsageAndPricing';

export const usageLedgerMigrations = [
  CreateClientKeys1763900100000,
  CreateUsageAndPricing1763900300000,
];
