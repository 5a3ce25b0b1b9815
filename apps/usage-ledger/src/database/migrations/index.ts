// The usage-ledger's migrations in order.
import { CreateClientKeys1763900100000 } from './1763900100000-CreateClientKeys';

export const usageLedgerMigrations = [CreateClientKeys1763900100000];
