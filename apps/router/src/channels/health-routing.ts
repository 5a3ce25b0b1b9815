// How the health-prober's view of a channel enters routing: pure, table-tested. Ejected (transient faults) and
// disabled (bad key, empty account) channels are auto-disabled; a recovering one keeps a reduced weight share.
import { ChannelHealth } from '@relaymesh/contracts';

export interface HealthRouting {
  autoDisabled: boolean;
  weightFactor: number;
}

/** A latency move smaller than this share does not rebuild the snapshot (the next rebuild carries it). */
const LATENCY_REBUILD_RATIO = 0.25;

export function healthRouting(health: ChannelHealth, weightFactor: number): HealthRouting {
  const out = health.state === 'ejected' || health.state === 'disabled';
  return { autoDisabled: out, weightFactor: out ? 1 : weightFactor };
}

/** Whether a health report changes what ingress routes with (so a new snapshot is worth publishing). */
export function changesRouting(
  before: { autoDisabled: boolean; weightFactor: number; health: ChannelHealth | null },
  after: HealthRouting & { health: ChannelHealth },
): boolean {
  if (before.autoDisabled !== after.autoDisabled) return true;
  if (before.weightFactor !== after.weightFactor) return true;
  // ejected and disabled both read back auto_disabled, but only an ejected channel may be panic-routed.
  if ((before.health?.state === 'ejected') !== (after.health.state === 'ejected')) return true;
  const was = before.health?.latency_ms ?? null;
  const now = after.health.latency_ms;
  if (was === null || now === null) return was !== now;
  return Math.abs(now - was) > LATENCY_REBUILD_RATIO * Math.max(was, 1);
}
