import { ChannelHealth, ChannelStatus, HealthState, UNKNOWN_HEALTH } from '@relaymesh/contracts';
import { RoutingTable } from './routing-table';
import { healthRouting, withHealth } from './channel-health';

const report = (state: HealthState, weight_factor = 1, latency_ms: number | null = 120) => ({
  health: { ...UNKNOWN_HEALTH, state, latency_ms } satisfies ChannelHealth,
  weight_factor,
});

describe('health applied on top of the configured channel', () => {
  it.each<[ChannelStatus, HealthState, number, ChannelStatus, boolean, number]>([
    ['enabled', 'healthy', 1, 'enabled', false, 1],
    ['enabled', 'degraded', 1, 'enabled', false, 1],
    ['enabled', 'unknown', 1, 'enabled', false, 1],
    ['enabled', 'recovering', 0.25, 'enabled', false, 0.25],
    ['enabled', 'ejected', 1, 'auto_disabled', true, 1],
    ['enabled', 'disabled', 1, 'auto_disabled', false, 1],
    // The operator's switch wins: a channel disabled by hand stays so whatever its health.
    ['manually_disabled', 'ejected', 1, 'manually_disabled', false, 1],
    ['manually_disabled', 'recovering', 0.5, 'manually_disabled', false, 0.5],
  ])(
    '%s + %s (factor %d) → %s, ejected %s, weight factor %d',
    (configured, state, factor, status, ejected, weightFactor) => {
      expect(healthRouting(configured, report(state, factor))).toEqual({
        status,
        ejected,
        weight_factor: weightFactor,
        latency_ms: 120,
      });
    },
  );

  it('should keep a channel the prober has no word on in rotation, at full weight', () => {
    expect(healthRouting('enabled', undefined)).toEqual({
      status: 'enabled',
      ejected: false,
      weight_factor: 1,
      latency_ms: null,
    });
  });

  it('should take an ejected channel out of the routing table built from it, the configured one untouched', () => {
    const configured = {
      id: 'c1',
      name: 'one',
      type: 'openai' as const,
      models: ['m'],
      model_mapping: {},
      groups: ['default'],
      priority: 0,
      weight: 1,
      status: 'enabled' as ChannelStatus,
    };
    const table = RoutingTable.build([
      withHealth(configured, new Map([['c1', report('ejected')]])),
    ]);
    const lookup = table.tiers('default', 'm');

    expect(lookup.known && lookup.tiers[0].routes).toEqual([]);
    expect(lookup.known && lookup.tiers[0].withEjected.map((r) => r.channel.id)).toEqual(['c1']);
    expect(configured.status).toBe('enabled');
  });
});
