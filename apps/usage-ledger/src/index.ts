// What the usage-ledger offers outside its own folder (the embedded launcher, the migration script, the
// benches, tests): how it starts, how it reads its environment, its migrations, and the usage and summary
// repositories the usage-query bench times on its own. Everything else in src/ is private to the app.
export { startUsageLedger } from './usage-ledger.app';
export { UsageLedgerEnv, loadUsageLedgerEnv } from './config/usage-ledger.env';
export { usageLedgerMigrations } from './database/migrations';
export { SqlUsageRepository } from './usage/usage.repository';
export { SqlUsageSummaryRepository } from './usage/usage-summary.repository';
export { isSummaryIssue, planUsageSummary } from './usage/usage-summary-plan';
