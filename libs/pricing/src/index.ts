// Pricing (ARCHITECTURE: libs/pricing): what usage costs, pure, shared by the usage-ledger (what it debits)
// and ingress (what it reserves and holds pending). The price list's wire shapes stay in libs/contracts.
export { priceUsage } from './price-usage';
export type { Price, Tokens } from './price-usage';
export { priceOf, recordCost, toPrice } from './price-rule';
export type { PricedTokens } from './price-rule';
