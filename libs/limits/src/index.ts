// Per-key rpm/tpm arithmetic: the one rule ingress applies to its own counts and the usage-ledger to the
// shared counts of small limits, so the two never disagree on what a window holds or when it frees.
export {
  UsageWindow,
  WINDOW_SECONDS,
  decideLimits,
  secondOf,
  secondsUntilBelow,
} from './usage-window';
export type { KeyLimits, LimitDecision } from './usage-window';
