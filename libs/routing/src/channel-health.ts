// How the health-prober's view of a channel enters routing, applied on top of the router's configuration: pure,
// table-tested. Ejected (transient faults) and disabled (bad key, empty account) channels of an enabled channel
// read `auto_disabled`; only an ejected one may be panic-routed; a recovering one keeps a reduced weight share.
// Ingress applies it to route, the admin API to read a channel back, the prober to count routable channels:
// one rule, so what the operator reads is what ingress routes by.
import type { ChannelHealthReport, ChannelStatus } from '@relaymesh/contracts';

/** The fields of a channel that health decides. */
export interface HealthRouting {
  status: ChannelStatus;
  /** Out for transient faults only: the panic threshold may still route to it. */
  ejected: boolean;
  weight_factor: number;
  /** The prober's smoothed upstream latency (for `provider.sort: latency`); null before any call. */
  latency_ms: number | null;
}

/**
 * `configured`: the operator's status from the snapshot (`enabled` or `manually_disabled`); `report`: the
 * prober's latest word, absent while it has none (a new channel, or no prober heard from yet): in rotation.
 */
export function healthRouting(
  configured: ChannelStatus,
  report: Pick<ChannelHealthReport, 'health' | 'weight_factor'> | undefined,
): HealthRouting {
  if (report === undefined) {
    return { status: configured, ejected: false, weight_factor: 1, latency_ms: null };
  }
  const { state, latency_ms } = report.health;
  const out = configured === 'enabled' && (state === 'ejected' || state === 'disabled');
  return {
    status: out ? 'auto_disabled' : configured,
    ejected: out && state === 'ejected',
    weight_factor: out ? 1 : report.weight_factor,
    latency_ms,
  };
}

/** A channel with the prober's view applied (a new object: the configured one is shared, never changed). */
export function withHealth<C extends { id: string; status: ChannelStatus }>(
  channel: C,
  reports: ReadonlyMap<string, Pick<ChannelHealthReport, 'health' | 'weight_factor'>>,
): C & HealthRouting {
  return { ...channel, ...healthRouting(channel.status, reports.get(channel.id)) };
}
