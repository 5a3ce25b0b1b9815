// How one upstream outcome changes a channel's health record: a pure function, table-tested.
// This is the passive half only (consecutive failures, latency, last error). Ejection, re-admission probes
// and the panic threshold build on it in the self-healing issue.
import { ChannelHealth, UpstreamOutcome } from '@relaymesh/contracts';

/** Latency is smoothed so one slow answer does not swing the figure (EWMA, weight of the newest sample). */
const LATENCY_WEIGHT = 0.2;

export function foldOutcome(health: ChannelHealth, outcome: UpstreamOutcome): ChannelHealth {
  switch (outcome.error_class) {
    case 'none': {
      const latency =
        health.latency_ms === null
          ? outcome.latency_ms
          : health.latency_ms + LATENCY_WEIGHT * (outcome.latency_ms - health.latency_ms);
      return {
        ...health,
        state: 'healthy',
        consecutive_failures: 0,
        latency_ms: Math.round(latency * 10) / 10,
        last_checked_at: outcome.at,
      };
    }
    // The caller's own faults say nothing about the channel; a rate limit is a cool-down, not ill health.
    case 'client':
    case 'rate_limited':
      return { ...health, last_checked_at: outcome.at };
    case 'auth':
    case 'quota':
    case 'server':
    case 'timeout':
    case 'connect':
    case 'reset':
      return {
        ...health,
        state: 'degraded',
        consecutive_failures: health.consecutive_failures + 1,
        last_error: outcome.message ?? `${outcome.error_class} (status ${outcome.status})`,
        last_checked_at: outcome.at,
      };
  }
}
